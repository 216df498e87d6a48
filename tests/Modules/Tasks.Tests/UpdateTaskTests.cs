using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Tasks;

public sealed class UpdateTaskTests
{
    private static OrbitApi Api => TestPostgres.Api;

    [Test]
    public async Task A_merge_patch_changes_present_fields_clears_nulls_and_leaves_the_rest()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var task = await TaskApi.CreateAsync(client, team.Project.Id, new
        {
            title = "Before", description = "Keep me?", priority = "low", labels = new[] { "a" }, dueDate = "2027-03-01", assigneeId = team.UserFor("viewer").Id,
        });

        using var response = await TaskApi.PatchAsync(client, task.Key, """{"title": "After", "description": null, "assigneeId": null, "dueDate": null}""");

        await Expect.Status(response, HttpStatusCode.OK);
        var updated = (await response.Content.ReadFromJsonAsync<TaskBody>())!;
        Assert.Multiple(() =>
        {
            Assert.That(updated.Title, Is.EqualTo("After"));
            Assert.That(updated.Description, Is.Null);
            Assert.That(updated.AssigneeId, Is.Null);
            Assert.That(updated.DueDate, Is.Null);
            Assert.That(updated.Priority, Is.EqualTo("low"), "absent fields keep their value");
            Assert.That(updated.Labels, Is.EqualTo(new[] { "a" }));
            Assert.That(updated.Version, Is.EqualTo(2));
            Assert.That(response.Headers.ETag?.Tag, Is.EqualTo("\"2\""));
        });
    }

    [Test]
    public async Task Entering_done_sets_completed_at_and_leaving_it_clears_it()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var task = await TaskApi.CreateAsync(client, team.Project.Id);

        using var done = await TaskApi.PatchAsync(client, task.Key, """{"status": "done"}""");
        var completed = (await done.Content.ReadFromJsonAsync<TaskBody>())!;
        Assert.That(completed.CompletedAt, Is.Not.Null);

        using var again = await TaskApi.PatchAsync(client, task.Key, """{"status": "in_progress"}""");
        var reopened = (await again.Content.ReadFromJsonAsync<TaskBody>())!;
        Assert.Multiple(() =>
        {
            Assert.That(reopened.Status, Is.EqualTo("in_progress"));
            Assert.That(reopened.CompletedAt, Is.Null);
        });
    }

    [TestCase("""{"title": null}""", "title")]
    [TestCase("""{"title": ""}""", "title")]
    [TestCase("""{"status": null}""", "status")]
    [TestCase("""{"status": "closed"}""", "status")]
    [TestCase("""{"priority": "p1"}""", "priority")]
    [TestCase("""{"dueDate": "31/12/2027"}""", "dueDate")]
    [TestCase("""{"labels": "one"}""", "labels")]
    [TestCase("""{"assigneeId": "nobody"}""", "assigneeId")]
    [TestCase("""{"colour": "red"}""", "colour")]
    [TestCase("""[1, 2]""", "$")]
    public async Task An_invalid_patch_is_rejected_and_changes_nothing(string json, string field)
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var task = await TaskApi.CreateAsync(client, team.Project.Id);

        using var response = await TaskApi.PatchAsync(client, task.Key, json);

        await Expect.ValidationError(response, field);
        Assert.That((await TaskApi.GetAsync(client, task.Key)).Version, Is.EqualTo(1));
    }

    [Test]
    public async Task A_parent_that_would_make_a_cycle_is_rejected()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var top = await TaskApi.CreateAsync(client, team.Project.Id);
        var child = await TaskApi.CreateAsync(client, team.Project.Id, new { title = "child", parentId = top.Id });

        using var response = await TaskApi.PatchAsync(client, top.Key, $$"""{"parentId": "{{child.Id}}"}""");

        await Expect.ValidationError(response, "parentId");
    }

    [Test]
    public async Task A_stale_if_match_gets_412_and_changes_nothing()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var task = await TaskApi.CreateAsync(client, team.Project.Id);
        using (var first = await TaskApi.PatchAsync(client, task.Key, """{"title": "First"}""", ifMatch: 1))
        {
            await Expect.Status(first, HttpStatusCode.OK);
        }

        using var stale = await TaskApi.PatchAsync(client, task.Key, """{"title": "Stale"}""", ifMatch: 1);

        await Expect.Problem(stale, HttpStatusCode.PreconditionFailed);
        var current = await TaskApi.GetAsync(client, task.Key);
        Assert.That(current.Title, Is.EqualTo("First"));
        Assert.That(current.Version, Is.EqualTo(2));
    }

    [TestCase("abc")]
    [TestCase("W/\"1\"")]
    [TestCase("\"-1\"")]
    public async Task A_malformed_if_match_is_a_validation_error_and_changes_nothing(string ifMatch)
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var task = await TaskApi.CreateAsync(client, team.Project.Id);
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tasks/{task.Key}")
        {
            Content = new StringContent("""{"title": "x"}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);

        using var response = await client.SendAsync(request);

        await Expect.ValidationError(response, "If-Match");
        Assert.That((await TaskApi.GetAsync(client, task.Key)).Version, Is.EqualTo(1));
    }

    [Test]
    public async Task Parallel_patches_with_the_same_if_match_let_exactly_one_win()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var task = await TaskApi.CreateAsync(client, team.Project.Id);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => TaskApi.PatchAsync(client, task.Key, $$"""{"title": "Writer {{i}}"}""", ifMatch: 1)));

        var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.That(winners, Has.Count.EqualTo(1));
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed), Is.EqualTo(7));
        var winner = (await winners[0].Content.ReadFromJsonAsync<TaskBody>())!;
        var final = await TaskApi.GetAsync(client, task.Key);
        Assert.That(final.Title, Is.EqualTo(winner.Title));
        Assert.That(final.Version, Is.EqualTo(2));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Test]
    public async Task Parallel_patches_of_different_fields_without_if_match_lose_nothing()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var task = await TaskApi.CreateAsync(client, team.Project.Id);
        string[] patches = ["""{"title": "New title"}""", """{"priority": "high"}""", """{"description": "Now described"}""", """{"labels": ["x"]}""", """{"status": "in_review"}"""];

        var responses = await Task.WhenAll(patches.Select(p => TaskApi.PatchAsync(client, task.Key, p)));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        var final = await TaskApi.GetAsync(client, task.Key);
        Assert.Multiple(() =>
        {
            Assert.That(final.Title, Is.EqualTo("New title"));
            Assert.That(final.Priority, Is.EqualTo("high"));
            Assert.That(final.Description, Is.EqualTo("Now described"));
            Assert.That(final.Labels, Is.EqualTo(new[] { "x" }));
            Assert.That(final.Status, Is.EqualTo("in_review"));
            Assert.That(final.Version, Is.EqualTo(1 + patches.Length));
        });
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Test]
    public async Task A_patch_records_its_changes_as_events_in_the_same_transaction()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var task = await TaskApi.CreateAsync(client, team.Project.Id, new { title = "Old" });
        var assignee = team.UserFor("viewer").Id;

        using var response = await TaskApi.PatchAsync(client, task.Key, $$"""{"title": "New", "status": "in_progress", "assigneeId": "{{assignee}}"}""");
        await Expect.Status(response, HttpStatusCode.OK);

        var events = await TaskApi.StoredEventsAsync(Api.ConnectionString, task.Id);

        Assert.That(events.Select(e => e.Type), Is.EquivalentTo(new[] { "task.created", "task.updated", "task.status_changed", "task.assigned" }));
        var changes = events.Single(e => e.Type == "task.updated").Payload.GetProperty("changes");
        Assert.Multiple(() =>
        {
            Assert.That(changes.GetProperty("title").GetProperty("before").GetString(), Is.EqualTo("Old"));
            Assert.That(changes.GetProperty("title").GetProperty("after").GetString(), Is.EqualTo("New"));
            Assert.That(changes.GetProperty("status").GetProperty("after").GetString(), Is.EqualTo("in_progress"));
            Assert.That(changes.TryGetProperty("priority", out _), Is.False, "unchanged fields are not listed");
        });
    }

    [Test]
    public async Task A_patch_that_changes_nothing_keeps_the_version()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var task = await TaskApi.CreateAsync(client, team.Project.Id, new { title = "Same" });
        using var response = await TaskApi.PatchAsync(client, task.Key, """{"title": "Same"}""");
        var body = (await response.Content.ReadFromJsonAsync<TaskBody>())!;
        Assert.That(body.Version, Is.EqualTo(1));
    }
}
