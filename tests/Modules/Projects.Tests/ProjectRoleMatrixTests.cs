using System.Net;
using Orbit.Tests.Infrastructure;
using static Orbit.Tests.Projects.ProjectHttp;

namespace Orbit.Tests.Projects;

/// <summary>
/// Who may do what, as one table: each role (and a non-member, and an admin who is not a member) against each
/// project action. Every case runs on a fresh project with the same people, so no case sees another's effects.
/// </summary>
public sealed class ProjectRoleMatrixTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private static readonly string[] Actions =
    [
        "read project", "patch project", "list members", "add member", "change role to owner", "remove member", "archive", "restore",
    ];

    // Expected status per action, in the order owner, maintainer, member, viewer, none (not a member), admin.
    private static readonly Dictionary<string, HttpStatusCode[]> Expected = new()
    {
        ["read project"] = [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
        ["patch project"] = [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
        ["list members"] = [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
        ["add member"] = [HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
        ["change role to owner"] = [HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
        ["remove member"] = [HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
        ["archive"] = [HttpStatusCode.NoContent, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
        ["restore"] = [HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
    };

    private static readonly string[] Roles = ["owner", "maintainer", "member", "viewer", "none", "admin"];

    private ProjectTeam _team = null!;
    private HttpClient _admin = null!;
    private TestUser _subject = null!;

    [OneTimeSetUp]
    public async Task CreatePeopleAsync()
    {
        _team = await ProjectScenarios.CreateTeamAsync(Api);
        _admin = await Api.AdminClientAsync();
        // The person added, promoted or removed by the member actions.
        _subject = await Api.RegisterAsync("Subject");
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _admin.Dispose();
        _team.Dispose();
    }

    private static IEnumerable<TestCaseData> Cases() =>
        from action in Actions
        from index in Enumerable.Range(0, Roles.Length)
        let expected = Expected[action][index]
        select new TestCaseData(Roles[index], action, expected)
            .SetName($"{Roles[index]} doing '{action}' gets {(int)expected} {expected}");

    [TestCaseSource(nameof(Cases))]
    public async Task Each_role_gets_the_expected_answer_for_each_action(string role, string action, HttpStatusCode expected)
    {
        var owner = _team.ClientFor("owner");
        var project = await ProjectScenarios.CreateProjectAsync(owner);
        foreach (var memberRole in new[] { "maintainer", "member", "viewer" })
        {
            await ProjectScenarios.AddMemberAsync(owner, project.Id, _team.UserFor(memberRole).Id, memberRole);
        }

        if (action is "change role to owner" or "remove member")
        {
            await ProjectScenarios.AddMemberAsync(owner, project.Id, _subject.Id, "viewer");
        }

        if (action is "restore")
        {
            using var archive = await ArchiveAsync(owner, project.Id);
            await Expect.Status(archive, HttpStatusCode.NoContent);
        }

        var actor = role == "admin" ? _admin : _team.ClientFor(role);
        using var response = action switch
        {
            "read project" => await GetProjectAsync(actor, project.Id),
            "patch project" => await PatchAsync(actor, project.Id, new { name = "Renamed by " + role }),
            "list members" => await actor.GetAsync(Url($"/api/v1/projects/{project.Id}/members")),
            "add member" => await PutMemberAsync(actor, project.Id, _subject.Id, new { role = "member" }),
            "change role to owner" => await PutMemberAsync(actor, project.Id, _subject.Id, new { role = "owner" }),
            "remove member" => await RemoveMemberAsync(actor, project.Id, _subject.Id),
            "archive" => await ArchiveAsync(actor, project.Id),
            "restore" => await RestoreAsync(actor, project.Id),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
        };

        await Expect.Status(response, expected);
        if (expected is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            var problem = await Expect.Problem(response, expected);
            Assert.That(problem.GetProperty("code").GetString(),
                Is.EqualTo(expected == HttpStatusCode.NotFound ? "projects.project_not_found" : "projects.role_too_low"),
                "a non-member learns nothing more than for a project that does not exist");
        }
    }
}
