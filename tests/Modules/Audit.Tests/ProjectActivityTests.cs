using System.Net;
using System.Net.Http.Json;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;

namespace Orbit.Tests.Audit;

public sealed class ProjectActivityTests
{
    private static OrbitApi Api => TestPostgres.Api;

    [Test]
    public async Task A_projects_activity_lists_project_member_and_task_events_newest_first()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var owner = team.ClientFor("owner");
        var projectId = team.Project.Id;
        using (var rename = await owner.PatchAsJsonAsync($"/api/v1/projects/{projectId}", new { name = "Renamed" }))
        {
            await Expect.Status(rename, HttpStatusCode.OK);
        }

        await ProjectScenarios.AddMemberAsync(owner, projectId, team.UserFor("viewer").Id, "member");
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), projectId);

        // created, four members added, renamed, a role changed, a task created.
        var log = await AuditApi.WaitForAsync(team.ClientFor("viewer"), $"/api/v1/projects/{projectId}/activity", 8, limit: 3);

        Assert.That(log.Entries.Select(e => e.Id), Is.Ordered.Descending, "newest first");
        // One aggregate's events keep their commit order; the task's events are another aggregate's and may interleave.
        // project.created and the owner's member.added share a transaction: their order between them is not defined.
        var projectEvents = log.Actions.Reverse().Where(a => a != "task.created").Skip(2).ToList();
        Assert.That(log.Actions, Is.EquivalentTo(new[]
        {
            "project.created", "member.added", "member.added", "member.added", "member.added", "project.updated", "member.role_changed", "task.created",
        }));
        Assert.That(projectEvents, Is.EqualTo(new[] { "member.added", "member.added", "member.added", "project.updated", "member.role_changed" }));
        var renamed = log.Entries.Single(e => e.Action == "project.updated");
        var roleChanged = log.Entries.Single(e => e.Action == "member.role_changed");
        var ownerAdded = log.Entries.Single(e => e.Action == "member.added" && e.EntityId == team.UserFor("owner").Id);
        Assert.Multiple(() =>
        {
            Assert.That(log.Entries.Select(e => e.ProjectId), Has.All.EqualTo(projectId));
            Assert.That(renamed.EntityType, Is.EqualTo("project"));
            Assert.That(renamed.Change("name"), Is.EqualTo(("\"Project\"", "\"Renamed\"")));
            Assert.That(roleChanged.EntityType, Is.EqualTo("member"));
            Assert.That(roleChanged.EntityId, Is.EqualTo(team.UserFor("viewer").Id));
            Assert.That(roleChanged.Change("role"), Is.EqualTo(("\"viewer\"", "\"member\"")));
            Assert.That(ownerAdded.Change("role"), Is.EqualTo(("null", "\"owner\"")));
            Assert.That(log.Entries.Single(e => e.Action == "task.created").TaskKey, Is.EqualTo(task.Key));
        });
    }

    [Test]
    public async Task A_non_member_gets_404_for_a_projects_activity_and_a_viewer_200()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);

        using var outsider = await team.ClientFor("none").GetAsync(new Uri($"/api/v1/projects/{team.Project.Id}/activity", UriKind.Relative));
        using var unknown = await team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/projects/{Guid.CreateVersion7()}/activity", UriKind.Relative));
        using var viewer = await team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/projects/{team.Project.Id}/activity", UriKind.Relative));

        await Expect.Problem(outsider, HttpStatusCode.NotFound);
        await Expect.Problem(unknown, HttpStatusCode.NotFound);
        await Expect.Status(viewer, HttpStatusCode.OK);
    }

    [Test]
    public async Task An_archived_projects_activity_stays_readable_and_records_archive_and_restore()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var owner = team.ClientFor("owner");
        using (var archive = await owner.DeleteAsync(new Uri($"/api/v1/projects/{team.Project.Id}", UriKind.Relative)))
        {
            await Expect.Status(archive, HttpStatusCode.NoContent);
        }

        var archived = await AuditApi.WaitForAsync(team.ClientFor("viewer"), $"/api/v1/projects/{team.Project.Id}/activity",
            log => log.Actions.Contains("project.archived"), "project.archived");
        using (var restore = await owner.PostAsync(new Uri($"/api/v1/projects/{team.Project.Id}/restore", UriKind.Relative), null))
        {
            await Expect.Status(restore, HttpStatusCode.OK);
        }

        var restored = await AuditApi.WaitForAsync(team.ClientFor("viewer"), $"/api/v1/projects/{team.Project.Id}/activity",
            log => log.Actions.Contains("project.restored"), "project.restored");

        Assert.That(archived.Entries[0].ActorId, Is.EqualTo(team.UserFor("owner").Id));
        Assert.That(restored.Entries[0].Action, Is.EqualTo("project.restored"));
    }
}
