using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Tasks;

public sealed class CreateTaskTests
{
    private static OrbitApi Api => TestPostgres.Api;

    [Test]
    public async Task Creating_a_task_numbers_it_in_its_project_and_applies_defaults()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var member = team.ClientFor("member");

        using var response = await member.PostAsJsonAsync($"/api/v1/projects/{team.Project.Id}/tasks", new { title = "  Write the brief  " });

        await Expect.Status(response, HttpStatusCode.Created);
        var task = (await response.Content.ReadFromJsonAsync<TaskBody>())!;
        Assert.Multiple(() =>
        {
            Assert.That(task.Key, Is.EqualTo($"{team.Project.Key}-1"));
            Assert.That(task.Title, Is.EqualTo("Write the brief"));
            Assert.That(task.Status, Is.EqualTo("todo"));
            Assert.That(task.Priority, Is.EqualTo("none"));
            Assert.That(task.Labels, Is.Empty);
            Assert.That(task.CreatedBy, Is.EqualTo(team.UserFor("member").Id));
            Assert.That(task.Version, Is.EqualTo(1));
            Assert.That(response.Headers.ETag?.Tag, Is.EqualTo("\"1\""));
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/tasks/{task.Key}"));
        });
        var second = await TaskApi.CreateAsync(member, team.Project.Id);
        Assert.That(second.Key, Is.EqualTo($"{team.Project.Key}-2"));
    }

    [Test]
    public async Task Every_field_can_be_set_on_create()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var owner = team.ClientFor("owner");
        var parent = await TaskApi.CreateAsync(owner, team.Project.Id);
        var assignee = team.UserFor("viewer").Id;

        var task = await TaskApi.CreateAsync(owner, team.Project.Id, new
        {
            title = "Full",
            description = "All the fields",
            status = "done",
            priority = "urgent",
            assigneeId = assignee,
            labels = new[] { " backend ", "API", "api", "Backend" },
            dueDate = "2027-01-31",
            parentId = parent.Id,
        });

        Assert.Multiple(() =>
        {
            Assert.That(task.Status, Is.EqualTo("done"));
            Assert.That(task.CompletedAt, Is.Not.Null, "a task created as done is completed");
            Assert.That(task.Priority, Is.EqualTo("urgent"));
            Assert.That(task.AssigneeId, Is.EqualTo(assignee));
            Assert.That(task.Labels, Is.EqualTo(new[] { "backend", "API" }), "trimmed, unique without regard to case, first spelling kept");
            Assert.That(task.DueDate, Is.EqualTo("2027-01-31"));
            Assert.That(task.ParentId, Is.EqualTo(parent.Id));
        });
    }

    [TestCase("""{"title": ""}""", "title")]
    [TestCase("""{"title": "   "}""", "title")]
    [TestCase("""{}""", "title")]
    [TestCase("""{"title": "ok", "status": "finished"}""", "status")]
    [TestCase("""{"title": "ok", "priority": "critical"}""", "priority")]
    [TestCase("""{"title": "ok", "dueDate": "2027-02-30"}""", "dueDate")]
    [TestCase("""{"title": "ok", "dueDate": "tomorrow"}""", "dueDate")]
    [TestCase("""{"title": "ok", "labels": [""]}""", "labels")]
    [TestCase("""{"title": "ok", "estimate": 3}""", "estimate")]
    [TestCase("""{"title": 42}""", "title")]
    public async Task Invalid_input_is_rejected_with_the_field_named(string json, string field)
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        using var response = await team.ClientFor("member").PostAsync(
            new Uri($"/api/v1/projects/{team.Project.Id}/tasks", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await Expect.ValidationError(response, field);
    }

    [Test]
    public async Task Length_limits_hold_for_title_description_and_labels()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var url = $"/api/v1/projects/{team.Project.Id}/tasks";

        using var title = await client.PostAsJsonAsync(url, new { title = new string('t', 201) });
        await Expect.ValidationError(title, "title");
        using var description = await client.PostAsJsonAsync(url, new { title = "ok", description = new string('d', 50_001) });
        await Expect.ValidationError(description, "description");
        using var tooMany = await client.PostAsJsonAsync(url, new { title = "ok", labels = Enumerable.Range(0, 21).Select(i => "l" + i) });
        await Expect.ValidationError(tooMany, "labels");
        using var tooLong = await client.PostAsJsonAsync(url, new { title = "ok", labels = new[] { new string('l', 51) } });
        await Expect.ValidationError(tooLong, "labels");

        await TaskApi.CreateAsync(client, team.Project.Id, new { title = new string('t', 200), description = new string('d', 50_000), labels = Enumerable.Range(0, 20).Select(i => new string('l', 48) + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)).ToArray() });
    }

    [Test]
    public async Task The_assignee_must_be_a_member_and_the_parent_a_task_of_the_same_project()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var owner = team.ClientFor("owner");
        var otherProject = await ProjectScenarios.CreateProjectAsync(owner);
        var foreignTask = await TaskApi.CreateAsync(owner, otherProject.Id);
        var url = $"/api/v1/projects/{team.Project.Id}/tasks";

        using var outsider = await owner.PostAsJsonAsync(url, new { title = "x", assigneeId = team.UserFor("none").Id });
        await Expect.ValidationError(outsider, "assigneeId");
        using var foreignParent = await owner.PostAsJsonAsync(url, new { title = "x", parentId = foreignTask.Id });
        await Expect.ValidationError(foreignParent, "parentId");
        using var unknownParent = await owner.PostAsJsonAsync(url, new { title = "x", parentId = Guid.CreateVersion7() });
        await Expect.ValidationError(unknownParent, "parentId");
    }

    [Test]
    public async Task Parallel_creates_in_one_project_get_distinct_gap_free_numbers()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var clients = new[] { team.ClientFor("owner"), team.ClientFor("maintainer"), team.ClientFor("member") };

        var created = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => TaskApi.CreateAsync(clients[i % 3], team.Project.Id, new { title = $"Task {i}" })));

        var numbers = created.Select(t => int.Parse(t.Key.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture)).Order();
        Assert.That(numbers, Is.EqualTo(Enumerable.Range(1, 24)));
    }

    [Test]
    public async Task A_rejected_create_uses_no_number_and_stores_nothing()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        await TaskApi.CreateAsync(client, team.Project.Id);
        using (var rejected = await client.PostAsJsonAsync($"/api/v1/projects/{team.Project.Id}/tasks", new { title = "x", assigneeId = team.UserFor("none").Id }))
        {
            await Expect.ValidationError(rejected, "assigneeId");
        }

        var next = await TaskApi.CreateAsync(client, team.Project.Id);
        Assert.That(next.Key, Is.EqualTo($"{team.Project.Key}-2"));
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from tasks.outbox_messages where payload->>'projectId' = @p and type = 'task.created'", connection);
        count.Parameters.AddWithValue("p", team.Project.Id.ToString());
        Assert.That(await count.ExecuteScalarAsync(), Is.EqualTo(2L), "one task.created per committed task, none for the rejected one");
    }

    /// <summary>
    /// The counter statement writes task.created itself and fills in the key only it knows (ADR 0017): the stored event
    /// describes the stored task, and task.assigned follows it.
    /// </summary>
    [Test]
    public async Task The_created_event_describes_the_task_as_stored_key_included()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        var assignee = team.UserFor("member").Id;
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new
        {
            title = "  Ship it  ", status = "in_progress", priority = "high", assigneeId = assignee,
            labels = new[] { " api ", "API", "web" }, dueDate = "2027-01-31",
        });

        var events = await TaskApi.StoredEventsAsync(Api.ConnectionString, task.Id);
        Assert.That(events.Select(e => e.Type), Is.EqualTo(new[] { "task.created", "task.assigned" }));
        var created = events[0].Payload;
        Assert.Multiple(() =>
        {
            Assert.That(task.Key, Is.EqualTo($"{team.Project.Key}-2"));
            Assert.That(created.GetProperty("key").GetString(), Is.EqualTo(task.Key));
            Assert.That(created.GetProperty("taskId").GetGuid(), Is.EqualTo(task.Id));
            Assert.That(created.GetProperty("projectId").GetGuid(), Is.EqualTo(team.Project.Id));
            Assert.That(created.GetProperty("title").GetString(), Is.EqualTo(task.Title).And.EqualTo("Ship it"));
            Assert.That(created.GetProperty("status").GetString(), Is.EqualTo(task.Status));
            Assert.That(created.GetProperty("priority").GetString(), Is.EqualTo(task.Priority));
            Assert.That(created.GetProperty("assigneeId").GetGuid(), Is.EqualTo(assignee));
            Assert.That(created.GetProperty("labels").EnumerateArray().Select(l => l.GetString()), Is.EqualTo(task.Labels));
            Assert.That(created.GetProperty("dueDate").GetString(), Is.EqualTo(task.DueDate));
            Assert.That(events[1].Payload.GetProperty("key").GetString(), Is.EqualTo(task.Key));
        });
    }

    [Test]
    public async Task An_idempotency_key_replays_the_first_response_instead_of_creating_again()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var url = $"/api/v1/projects/{team.Project.Id}/tasks";
        var key = Guid.NewGuid().ToString();

        async Task<HttpResponseMessage> PostAsync(object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }

        using var first = await PostAsync(new { title = "Once" });
        using var again = await PostAsync(new { title = "Once" });
        await Expect.Status(first, HttpStatusCode.Created);
        await Expect.Status(again, HttpStatusCode.Created);
        var a = (await first.Content.ReadFromJsonAsync<TaskBody>())!;
        var b = (await again.Content.ReadFromJsonAsync<TaskBody>())!;
        Assert.That(b.Id, Is.EqualTo(a.Id));
        Assert.That(again.Headers.Location, Is.EqualTo(first.Headers.Location));

        using var different = await PostAsync(new { title = "Something else" });
        await Expect.Problem(different, HttpStatusCode.UnprocessableEntity);

        var all = await TaskApi.ListAllAsync(client, team.Project.Id);
        Assert.That(all, Has.Count.EqualTo(1));
    }
}
