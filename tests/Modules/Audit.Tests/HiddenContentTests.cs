using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;

namespace Orbit.Tests.Audit;

/// <summary>
/// Trashed tasks and deleted comments follow the same rules in the activity lists and the change feed as in the task
/// and comment endpoints (issue 11, docs/adr/0009): a task in the trash is for maintainers and owners, who read the
/// trash; a deleted comment is for nobody. Their deletions stay visible, and the audit trail itself is untouched.
/// </summary>
public sealed class HiddenContentTests
{
    private static readonly string[] Readers = ["viewer", "member"];
    private static readonly string[] TrashReaders = ["maintainer", "owner"];

    private static OrbitApi Api => TestPostgres.Api;

    [Test]
    public async Task A_trashed_tasks_activity_is_404_to_viewers_and_members_as_the_task_is_readable_to_maintainers_and_back_after_a_restore()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Codename Falcon" });
        await DeleteTaskAsync(team, task);
        await WaitForTaskActivityAsync(team.ClientFor("owner"), task, "task.deleted");

        foreach (var role in Readers)
        {
            using var get = await team.ClientFor(role).GetAsync(new Uri($"/api/v1/tasks/{task.Key}", UriKind.Relative));
            await Expect.Problem(get, HttpStatusCode.NotFound);
            using var activity = await team.ClientFor(role).GetAsync(new Uri($"/api/v1/tasks/{task.Key}/activity", UriKind.Relative));
            var problem = await Expect.Problem(activity, HttpStatusCode.NotFound);
            Assert.That(problem.GetRawText(), Does.Not.Contain("Falcon"), role);
            using var byId = await team.ClientFor(role).GetAsync(new Uri($"/api/v1/tasks/{task.Id}/activity", UriKind.Relative));
            await Expect.Problem(byId, HttpStatusCode.NotFound);
        }

        foreach (var role in TrashReaders)
        {
            var log = await AuditApi.ListAllAsync(team.ClientFor(role), $"/api/v1/tasks/{task.Key}/activity");
            Assert.That(log.Actions, Is.EqualTo(new[] { "task.created", "task.deleted" }), role);
            Assert.That(log.Entries[0].Change("title"), Is.EqualTo(("null", "\"Codename Falcon\"")), role);
        }

        using (var restore = await team.ClientFor("maintainer").PostAsync(new Uri($"/api/v1/tasks/{task.Key}/restore", UriKind.Relative), null))
        {
            await Expect.Status(restore, HttpStatusCode.OK);
        }

        var restored = await WaitForTaskActivityAsync(team.ClientFor("viewer"), task, "task.restored");
        Assert.That(restored.Actions, Is.EqualTo(new[] { "task.created", "task.deleted", "task.restored" }));
    }

    [Test]
    public async Task A_trashed_tasks_events_leave_the_project_activity_and_the_feed_of_viewers_and_members_except_its_deletion()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var hidden = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Codename Osprey" });
        await CommentAsync(team.ClientFor("member"), hidden, "Osprey launch plan");
        var kept = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Public roadmap" });
        await DeleteTaskAsync(team, hidden);
        await AuditApi.WaitForAsync(team.ClientFor("owner"), $"/api/v1/projects/{team.Project.Id}/activity",
            log => log.Actions.Contains("task.deleted") && log.Entries.Any(e => e.EntityId == kept.Id), "the deletion in the project activity");

        foreach (var role in Readers)
        {
            var activity = await AuditApi.ListAllAsync(team.ClientFor(role), $"/api/v1/projects/{team.Project.Id}/activity", limit: 2);
            Assert.That(activity.Entries.Where(e => e.TaskKey == hidden.Key).Select(e => e.Action), Is.EqualTo(new[] { "task.deleted" }), role);
            Assert.That(activity.Entries.Any(e => e.EntityId == kept.Id), Is.True, $"{role}: other tasks stay");
            Assert.That(JsonSerializer.Serialize(activity.Entries), Does.Not.Contain("Osprey"), role);

            var feed = await FeedAsync(team.ClientFor(role), team.Project.Id);
            Assert.That(feed.Where(e => TaskIdOf(e) == hidden.Id).Select(e => e.Type), Is.EqualTo(new[] { "task.deleted" }), role);
            Assert.That(feed.Any(e => TaskIdOf(e) == kept.Id), Is.True, $"{role}: other tasks stay in the feed");
            Assert.That(JsonSerializer.Serialize(feed.Select(e => e.Data)), Does.Not.Contain("Osprey"), role);
        }

        // The stream reads with the same rule: from the start up to the deletion, nothing of the task but its deletion.
        using (var response = await AuditApi.OpenStreamAsync(team.ClientFor("viewer"), team.Project.Id))
        {
            await Expect.Status(response, HttpStatusCode.OK);
            using var events = new EventStreamReader(await response.Content.ReadAsStreamAsync());
            var streamed = await events.ReadUntilAsync(e => e.Any(item => item.Type == "task.deleted"));
            Assert.That(streamed.Where(e => TaskIdOf(e) == hidden.Id).Select(e => e.Type), Is.EqualTo(new[] { "task.deleted" }));
            Assert.That(JsonSerializer.Serialize(streamed.Select(e => e.Data)), Does.Not.Contain("Osprey"));
        }

        // Maintainers read the trash: the task's own events, but not its comments, which no endpoint shows while it is there.
        foreach (var role in TrashReaders)
        {
            var activity = await AuditApi.ListAllAsync(team.ClientFor(role), $"/api/v1/projects/{team.Project.Id}/activity");
            Assert.That(activity.Entries.Where(e => e.TaskKey == hidden.Key).Select(e => e.Action).Reverse(), Is.EqualTo(new[] { "task.created", "task.deleted" }), role);
            var feed = await FeedAsync(team.ClientFor(role), team.Project.Id);
            Assert.That(feed.Where(e => TaskIdOf(e) == hidden.Id).Select(e => e.Type), Is.EqualTo(new[] { "task.created", "task.deleted" }), role);
            Assert.That(JsonSerializer.Serialize(feed.Select(e => e.Data)), Does.Not.Contain("launch plan"), role);
        }
    }

    [Test]
    public async Task A_deleted_comments_body_leaves_every_members_activity_and_feed_while_the_admin_audit_keeps_it_and_the_chain_verifies()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Release" });
        var deleted = await CommentAsync(team.ClientFor("member"), task, "Embarrassing first draft");
        using (var edit = await team.ClientFor("member").PatchAsJsonAsync($"/api/v1/comments/{deleted.Id}", new { body = "Embarrassing second draft" }))
        {
            await Expect.Status(edit, HttpStatusCode.OK);
        }

        var kept = await CommentAsync(team.ClientFor("member"), task, "Ship it");
        using (var delete = await team.ClientFor("member").DeleteAsync(new Uri($"/api/v1/comments/{deleted.Id}", UriKind.Relative)))
        {
            await Expect.Status(delete, HttpStatusCode.NoContent);
        }

        await WaitForTaskActivityAsync(team.ClientFor("owner"), task, "comment.deleted");

        foreach (var role in Readers.Concat(TrashReaders))
        {
            var client = team.ClientFor(role);
            var taskActivity = await AuditApi.ListAllAsync(client, $"/api/v1/tasks/{task.Key}/activity");
            Assert.That(taskActivity.Entries.Where(e => e.EntityId == deleted.Id).Select(e => e.Action), Is.EqualTo(new[] { "comment.deleted" }), role);
            Assert.That(taskActivity.Entries.Single(e => e.EntityId == kept.Id).Change("body"), Is.EqualTo(("null", "\"Ship it\"")), role);
            var projectActivity = await AuditApi.ListAllAsync(client, $"/api/v1/projects/{team.Project.Id}/activity");
            var feed = await FeedAsync(client, team.Project.Id);
            Assert.That(feed.Where(e => CommentIdOf(e) == deleted.Id).Select(e => e.Type), Is.EqualTo(new[] { "comment.deleted" }), role);
            Assert.That(feed.Any(e => CommentIdOf(e) == kept.Id), Is.True, role);
            Assert.That(JsonSerializer.Serialize(new object[] { taskActivity.Entries, projectActivity.Entries, feed.Select(e => e.Data) }),
                Does.Not.Contain("Embarrassing"), role);
        }

        // The audit trail is the record: the admin audit still shows what was written, and nothing was rewritten.
        using var admin = await Api.AdminClientAsync();
        var record = await AuditApi.ListAllAsync(admin, $"/api/v1/admin/audit?entityType=comment&entityId={deleted.Id}");
        Assert.That(record.Actions.Reverse(), Is.EqualTo(new[] { "comment.added", "comment.edited", "comment.deleted" }));
        Assert.That(record.Entries[^1].Change("body"), Is.EqualTo(("null", "\"Embarrassing first draft\"")));
        using var verify = await admin.GetAsync(new Uri("/api/v1/admin/audit/verify", UriKind.Relative));
        await Expect.Status(verify, HttpStatusCode.OK);
        Assert.That(JsonDocument.Parse(await verify.Content.ReadAsStringAsync()).RootElement.GetProperty("valid").GetBoolean(), Is.True);
    }

    private static async Task DeleteTaskAsync(ProjectTeam team, TaskBody task)
    {
        using var delete = await team.ClientFor("maintainer").DeleteAsync(new Uri($"/api/v1/tasks/{task.Key}", UriKind.Relative));
        await Expect.Status(delete, HttpStatusCode.NoContent);
    }

    private static async Task<CommentBody> CommentAsync(HttpClient client, TaskBody task, string body)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/tasks/{task.Key}/comments", new { body });
        await Expect.Status(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<CommentBody>())!;
    }

    private static Task<ActivityLog> WaitForTaskActivityAsync(HttpClient client, TaskBody task, string action) =>
        AuditApi.WaitForAsync(client, $"/api/v1/tasks/{task.Key}/activity", log => log.Actions.Contains(action), action);

    /// <summary>The whole feed, page by page.</summary>
    private static async Task<List<FeedItem>> FeedAsync(HttpClient client, Guid projectId)
    {
        var all = new List<FeedItem>();
        string? after = null;
        do
        {
            var (items, next) = await AuditApi.FeedPageAsync(client, projectId, after, limit: 3);
            all.AddRange(items);
            after = next;
        }
        while (after is not null);

        return all;
    }

    private static Guid? TaskIdOf(FeedItem item) =>
        item.Data.TryGetProperty("taskId", out var id) ? id.GetGuid() : null;

    private static Guid? CommentIdOf(FeedItem item) =>
        item.Data.TryGetProperty("commentId", out var id) ? id.GetGuid() : null;
}
