using System.Net;
using System.Net.Http.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Tasks;

/// <summary>Role × action over one project: each role may do what API.md grants and nothing more.</summary>
public sealed class TaskAuthorizationTests
{
    private static OrbitApi Api => TestPostgres.Api;
    private ProjectTeam _team = null!;
    private TaskBody _task = null!;

    [OneTimeSetUp]
    public async Task CreateTeamAsync()
    {
        _team = await ProjectScenarios.CreateTeamAsync(Api);
        _task = await TaskApi.CreateAsync(_team.ClientFor("owner"), _team.Project.Id, new { title = "Shared task" });
    }

    private static readonly string[] Roles = ["owner", "maintainer", "member", "viewer", "none"];

    // Expected status per role, in the order of Roles.
    private static IEnumerable<TestCaseData> Actions()
    {
        yield return Case("read a task by key", [200, 200, 200, 200, 404]);
        yield return Case("read a task by id", [200, 200, 200, 200, 404]);
        yield return Case("list tasks", [200, 200, 200, 200, 404]);
        yield return Case("list the trash", [200, 200, 403, 403, 404]);
        yield return Case("create a task", [201, 201, 201, 403, 404]);
        yield return Case("patch a task", [200, 200, 200, 403, 404]);
        yield return Case("comment on a task", [201, 201, 201, 403, 404]);
        yield return Case("list comments", [200, 200, 200, 200, 404]);
        yield return Case("delete a task", [204, 204, 403, 403, 404]);
        yield return Case("restore a task", [200, 200, 403, 403, 404]);

        static TestCaseData Case(string action, int[] statuses) => new TestCaseData(action, statuses).SetName($"Who_may_{action.Replace(' ', '_')}");
    }

    [TestCaseSource(nameof(Actions))]
    public async Task Each_role_gets_what_the_contract_grants(string action, int[] expected)
    {
        var actual = new List<int>();
        foreach (var role in Roles)
        {
            // Deleting and restoring need a live (or deleted) task of their own each time.
            var target = action is "delete a task" or "restore a task"
                ? await TaskApi.CreateAsync(_team.ClientFor("owner"), _team.Project.Id, new { title = "Victim" })
                : _task;
            if (action == "restore a task")
            {
                using var deleted = await _team.ClientFor("owner").DeleteAsync(new Uri($"/api/v1/tasks/{target.Key}", UriKind.Relative));
                await Expect.Status(deleted, HttpStatusCode.NoContent);
            }

            using var response = await SendAsync(action, _team.ClientFor(role), target);
            actual.Add((int)response.StatusCode);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
            {
                await Expect.Problem(response, response.StatusCode);
            }
        }

        Assert.That(actual, Is.EqualTo(expected), $"statuses for {string.Join(", ", Roles)}");
    }

    private Task<HttpResponseMessage> SendAsync(string action, HttpClient client, TaskBody target) => action switch
    {
        "read a task by key" => client.GetAsync(new Uri($"/api/v1/tasks/{target.Key.ToLowerInvariant()}", UriKind.Relative)),
        "read a task by id" => client.GetAsync(new Uri($"/api/v1/tasks/{target.Id}", UriKind.Relative)),
        "list tasks" => client.GetAsync(new Uri($"/api/v1/projects/{_team.Project.Id}/tasks", UriKind.Relative)),
        "list the trash" => client.GetAsync(new Uri($"/api/v1/projects/{_team.Project.Id}/tasks?deleted=true", UriKind.Relative)),
        "create a task" => client.PostAsJsonAsync($"/api/v1/projects/{_team.Project.Id}/tasks", new { title = "New" }),
        "patch a task" => TaskApi.PatchAsync(client, target.Key, """{"priority": "high"}"""),
        "comment on a task" => client.PostAsJsonAsync($"/api/v1/tasks/{target.Key}/comments", new { body = "Hello" }),
        "list comments" => client.GetAsync(new Uri($"/api/v1/tasks/{target.Key}/comments", UriKind.Relative)),
        "delete a task" => client.DeleteAsync(new Uri($"/api/v1/tasks/{target.Key}", UriKind.Relative)),
        "restore a task" => client.PostAsync(new Uri($"/api/v1/tasks/{target.Key}/restore", UriKind.Relative), null),
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    [Test]
    public async Task An_unknown_task_key_and_a_malformed_one_are_404()
    {
        var client = _team.ClientFor("owner");
        using var unknown = await client.GetAsync(new Uri($"/api/v1/tasks/{_team.Project.Key}-999999", UriKind.Relative));
        await Expect.Problem(unknown, HttpStatusCode.NotFound);
        using var malformed = await client.GetAsync(new Uri("/api/v1/tasks/not-a-key!", UriKind.Relative));
        await Expect.Problem(malformed, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task An_admin_who_is_not_a_member_cannot_see_the_projects_tasks()
    {
        using var admin = await Api.AdminClientAsync();
        using var response = await admin.GetAsync(new Uri($"/api/v1/tasks/{_task.Key}", UriKind.Relative));
        await Expect.Problem(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_demoted_member_loses_write_access_at_once()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var member = team.ClientFor("member");
        var task = await TaskApi.CreateAsync(member, team.Project.Id);

        await ProjectScenarios.AddMemberAsync(team.ClientFor("owner"), team.Project.Id, team.UserFor("member").Id, "viewer");

        using var response = await TaskApi.PatchAsync(member, task.Key, """{"title": "Too late"}""");
        await Expect.Problem(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task A_removed_member_no_longer_sees_the_task()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        using (var read = await team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/tasks/{task.Key}", UriKind.Relative)))
        {
            await Expect.Status(read, HttpStatusCode.OK);
        }

        using (var removed = await team.ClientFor("owner").DeleteAsync(new Uri($"/api/v1/projects/{team.Project.Id}/members/{team.UserFor("viewer").Id}", UriKind.Relative)))
        {
            await Expect.Status(removed, HttpStatusCode.NoContent);
        }

        using var response = await team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/tasks/{task.Key}", UriKind.Relative));
        await Expect.Problem(response, HttpStatusCode.NotFound);
    }
}
