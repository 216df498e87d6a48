using System.Net;
using System.Net.Http.Json;
using System.Text;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;

namespace Orbit.Tests.Audit;

public sealed class TaskActivityTests
{
    private static OrbitApi Api => TestPostgres.Api;

    [Test]
    public async Task Creating_updating_assigning_and_commenting_on_a_task_each_appear_in_its_activity_with_before_and_after()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var member = team.UserFor("member");
        var owner = team.UserFor("owner");
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Draft", priority = "low" });

        // The request's W3C trace id is what the audit row carries.
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using (var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tasks/{task.Key}")
        {
            Content = new StringContent("""{"title": "Final", "status": "in_progress"}""", Encoding.UTF8, "application/merge-patch+json"),
        })
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..16]}-01");
            using var patched = await team.ClientFor("member").SendAsync(request);
            await Expect.Status(patched, HttpStatusCode.OK);
        }

        using (var assigned = await TaskApi.PatchAsync(team.ClientFor("owner"), task.Key, $$"""{"assigneeId": "{{member.Id}}"}"""))
        {
            await Expect.Status(assigned, HttpStatusCode.OK);
        }

        using (var comment = await team.ClientFor("member").PostAsJsonAsync($"/api/v1/tasks/{task.Key}/comments", new { body = "Looks good" }))
        {
            await Expect.Status(comment, HttpStatusCode.Created);
        }

        // Paged two at a time, oldest first: the cursor walks the whole history.
        var log = await AuditApi.WaitForAsync(team.ClientFor("viewer"), $"/api/v1/tasks/{task.Key}/activity", 6, limit: 2);

        Assert.That(log.Actions, Is.EqualTo(new[]
        {
            "task.created", "task.updated", "task.status_changed", "task.updated", "task.assigned", "comment.added",
        }));
        var (created, edited, statusChanged, reassigned, assignedEvent, commented) = (log.Entries[0], log.Entries[1], log.Entries[2], log.Entries[3], log.Entries[4], log.Entries[5]);
        Assert.Multiple(() =>
        {
            Assert.That(log.Entries.Select(e => e.Id), Is.Ordered.Ascending);
            Assert.That(log.Entries.Select(e => e.ProjectId), Has.All.EqualTo(team.Project.Id));
            Assert.That(log.Entries.Select(e => e.TaskKey), Has.All.EqualTo(task.Key));

            Assert.That(created.EntityType, Is.EqualTo("task"));
            Assert.That(created.EntityId, Is.EqualTo(task.Id));
            Assert.That(created.ActorId, Is.EqualTo(member.Id));
            Assert.That(created.Change("title"), Is.EqualTo(("null", "\"Draft\"")));
            Assert.That(created.Change("priority"), Is.EqualTo(("null", "\"low\"")));

            Assert.That(edited.ActorId, Is.EqualTo(member.Id));
            Assert.That(edited.Change("title"), Is.EqualTo(("\"Draft\"", "\"Final\"")));
            Assert.That(edited.Change("status"), Is.EqualTo(("\"todo\"", "\"in_progress\"")));
            Assert.That(edited.TraceId, Is.EqualTo(traceId));
            Assert.That(statusChanged.Change("status"), Is.EqualTo(("\"todo\"", "\"in_progress\"")));
            Assert.That(statusChanged.TraceId, Is.EqualTo(traceId), "events of one request share its trace");

            Assert.That(reassigned.ActorId, Is.EqualTo(owner.Id));
            Assert.That(reassigned.Change("assigneeId"), Is.EqualTo(("null", $"\"{member.Id}\"")));
            Assert.That(assignedEvent.ActorId, Is.EqualTo(owner.Id));
            Assert.That(assignedEvent.Change("assigneeId"), Is.EqualTo(("null", $"\"{member.Id}\"")));
            Assert.That(reassigned.TraceId, Is.Not.EqualTo(traceId).And.Match("^[0-9a-f]{32}$"));

            Assert.That(commented.EntityType, Is.EqualTo("comment"));
            Assert.That(commented.ActorId, Is.EqualTo(member.Id));
            Assert.That(commented.Change("body"), Is.EqualTo(("null", "\"Looks good\"")));
        });

        // The same history by id.
        var byId = await AuditApi.ListAllAsync(team.ClientFor("viewer"), $"/api/v1/tasks/{task.Id}/activity");
        Assert.That(byId.Entries.Select(e => e.Id), Is.EqualTo(log.Entries.Select(e => e.Id)));
    }

    [Test]
    public async Task Editing_and_deleting_a_comment_and_deleting_the_task_are_recorded_too()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        using var added = await team.ClientFor("member").PostAsJsonAsync($"/api/v1/tasks/{task.Key}/comments", new { body = "First" });
        var comment = (await added.Content.ReadFromJsonAsync<CommentBody>())!;
        using (var edit = await team.ClientFor("member").PatchAsJsonAsync($"/api/v1/comments/{comment.Id}", new { body = "Second" }))
        {
            await Expect.Status(edit, HttpStatusCode.OK);
        }

        var edited = await AuditApi.WaitForAsync(team.ClientFor("viewer"), $"/api/v1/tasks/{task.Key}/activity", 3);
        Assert.That(edited.Actions, Is.EqualTo(new[] { "task.created", "comment.added", "comment.edited" }));
        Assert.That(edited.Entries[2].EntityId, Is.EqualTo(comment.Id));
        Assert.That(edited.Entries[2].Change("body"), Is.EqualTo(("\"First\"", "\"Second\"")));

        using (var delete = await team.ClientFor("member").DeleteAsync(new Uri($"/api/v1/comments/{comment.Id}", UriKind.Relative)))
        {
            await Expect.Status(delete, HttpStatusCode.NoContent);
        }

        using (var delete = await team.ClientFor("maintainer").DeleteAsync(new Uri($"/api/v1/tasks/{task.Key}", UriKind.Relative)))
        {
            await Expect.Status(delete, HttpStatusCode.NoContent);
        }

        // A task in the trash is the maintainers' to read (HiddenContentTests); the deleted comment's own events are gone
        // for everyone, its deletion is listed.
        var log = await AuditApi.WaitForAsync(team.ClientFor("maintainer"), $"/api/v1/tasks/{task.Key}/activity",
            l => l.Actions.Contains("task.deleted"), "task.deleted");

        Assert.That(log.Actions, Is.EqualTo(new[] { "task.created", "comment.deleted", "task.deleted" }));
        Assert.Multiple(() =>
        {
            Assert.That(log.Entries[1].EntityId, Is.EqualTo(comment.Id));
            Assert.That(log.Entries[1].ActorId, Is.EqualTo(team.UserFor("member").Id));
            Assert.That(log.Entries[2].ActorId, Is.EqualTo(team.UserFor("maintainer").Id));
        });
    }

    [Test]
    public async Task A_non_member_gets_404_for_a_tasks_activity_and_every_member_role_may_read_it()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        await AuditApi.WaitForAsync(team.ClientFor("viewer"), $"/api/v1/tasks/{task.Key}/activity", 1);

        using (var outsider = await team.ClientFor("none").GetAsync(new Uri($"/api/v1/tasks/{task.Key}/activity", UriKind.Relative)))
        {
            await Expect.Problem(outsider, HttpStatusCode.NotFound);
        }

        using (var admin = await Api.AdminClientAsync())
        using (var byAdmin = await admin.GetAsync(new Uri($"/api/v1/tasks/{task.Id}/activity", UriKind.Relative)))
        {
            // Admins are not project members (docs/adr/0005); they have the admin audit.
            await Expect.Problem(byAdmin, HttpStatusCode.NotFound);
        }

        foreach (var role in new[] { "viewer", "member", "maintainer", "owner" })
        {
            using var response = await team.ClientFor(role).GetAsync(new Uri($"/api/v1/tasks/{task.Key.ToLowerInvariant()}/activity", UriKind.Relative));
            await Expect.Status(response, HttpStatusCode.OK);
        }

        using var unknown = await team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/tasks/{team.Project.Key}-9999/activity", UriKind.Relative));
        await Expect.Problem(unknown, HttpStatusCode.NotFound);
        using var malformed = await team.ClientFor("viewer").GetAsync(new Uri("/api/v1/tasks/not-a-task/activity", UriKind.Relative));
        await Expect.Problem(malformed, HttpStatusCode.NotFound);
        using var anonymous = await Api.CreateClient().GetAsync(new Uri($"/api/v1/tasks/{task.Key}/activity", UriKind.Relative));
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=101", "limit")]
    [TestCase("cursor=not-a-cursor", "cursor")]
    public async Task A_bad_page_request_names_the_field(string query, string field)
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        await AuditApi.WaitForAsync(team.ClientFor("viewer"), $"/api/v1/tasks/{task.Key}/activity", 1);

        using var response = await team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/tasks/{task.Key}/activity?{query}", UriKind.Relative));

        await Expect.ValidationError(response, field);
    }
}
