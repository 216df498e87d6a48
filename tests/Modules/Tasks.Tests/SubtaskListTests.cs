using System.Net;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Tasks;

/// <summary><c>GET /projects/{id}/tasks?parentId=</c>: a task's subtasks.</summary>
public sealed class SubtaskListTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private ProjectTeam _team = null!;
    private TaskBody _parent = null!;
    private List<TaskBody> _children = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _team = await ProjectScenarios.CreateTeamAsync(Api);
        var member = _team.ClientFor("member");
        _parent = await TaskApi.CreateAsync(member, _team.Project.Id, new { title = "Parent" });
        var other = await TaskApi.CreateAsync(member, _team.Project.Id, new { title = "Other parent" });
        _children = [];
        for (var i = 0; i < 5; i++)
        {
            _children.Add(await TaskApi.CreateAsync(member, _team.Project.Id, new { title = $"Child {i}", parentId = _parent.Id, priority = i % 2 == 0 ? "high" : "low" }));
        }

        await TaskApi.CreateAsync(member, _team.Project.Id, new { title = "Someone else's child", parentId = other.Id });
    }

    [Test]
    public async Task ParentId_lists_exactly_that_tasks_subtasks_across_pages()
    {
        var listed = await TaskApi.ListAllAsync(_team.ClientFor("viewer"), _team.Project.Id, $"parentId={_parent.Id}", limit: 2);

        Assert.That(listed.Select(t => t.Id), Is.EqualTo(_children.Select(t => t.Id)), "created order, every child once");
    }

    [Test]
    public async Task ParentId_combines_with_other_filters_and_sorts()
    {
        var listed = await TaskApi.ListAllAsync(_team.ClientFor("viewer"), _team.Project.Id, $"parentId={_parent.Id}&priority=high&sort=-created", limit: 100);

        Assert.That(listed.Select(t => t.Id), Is.EqualTo(_children.Where((_, i) => i % 2 == 0).Select(t => t.Id).Reverse()));
    }

    [Test]
    public async Task A_task_without_subtasks_or_an_unknown_id_lists_nothing()
    {
        var client = _team.ClientFor("viewer");
        Assert.That(await TaskApi.ListAllAsync(client, _team.Project.Id, $"parentId={_children[0].Id}"), Is.Empty);
        Assert.That(await TaskApi.ListAllAsync(client, _team.Project.Id, $"parentId={Guid.CreateVersion7()}"), Is.Empty);
    }

    [Test]
    public async Task A_deleted_subtask_leaves_the_list()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        var parent = await TaskApi.CreateAsync(maintainer, team.Project.Id, new { title = "Parent" });
        var kept = await TaskApi.CreateAsync(maintainer, team.Project.Id, new { title = "Kept", parentId = parent.Id });
        var deleted = await TaskApi.CreateAsync(maintainer, team.Project.Id, new { title = "Deleted", parentId = parent.Id });
        using (var delete = await maintainer.DeleteAsync(new Uri($"/api/v1/tasks/{deleted.Key}", UriKind.Relative)))
        {
            await Expect.Status(delete, HttpStatusCode.NoContent);
        }

        var listed = await TaskApi.ListAllAsync(maintainer, team.Project.Id, $"parentId={parent.Id}");

        Assert.That(listed.Select(t => t.Id), Is.EqualTo(new[] { kept.Id }));
    }

    [Test]
    public async Task A_parentId_that_is_not_a_uuid_is_a_validation_error()
    {
        using var response = await _team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/projects/{_team.Project.Id}/tasks?parentId={_parent.Key}", UriKind.Relative));
        await Expect.ValidationError(response, "parentId");
    }

    [Test]
    public async Task A_non_member_gets_404()
    {
        using var response = await _team.ClientFor("none").GetAsync(new Uri($"/api/v1/projects/{_team.Project.Id}/tasks?parentId={_parent.Id}", UriKind.Relative));
        var problem = await Expect.Problem(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("tasks.project_not_found"));
    }

    [Test]
    public async Task The_openapi_document_lists_parentId_as_a_uuid()
    {
        using var client = Api.CreateClient();
        var document = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
        var parameter = document.GetProperty("paths").GetProperty("/api/v1/projects/{projectId}/tasks").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "parentId");
        Assert.That(parameter.GetProperty("schema").GetProperty("format").GetString(), Is.EqualTo("uuid"));
    }
}
