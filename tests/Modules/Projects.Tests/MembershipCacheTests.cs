using System.Net;
using Npgsql;
using Orbit.Tests.Infrastructure;
using static Orbit.Tests.Projects.ProjectHttp;

namespace Orbit.Tests.Projects;

/// <summary>
/// What the membership cache keeps, seen from outside. It stores a read only if no eviction of any project arrived
/// while the read ran, so on the shared database other fixtures' membership changes, running in parallel, would keep
/// this test's warm-up read out of the cache now and then: these tests get a database and a host of their own.
/// </summary>
public sealed class MembershipCacheTests
{
    private OrbitApi _api = null!;
    private ProjectTeam _team = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _api = new OrbitApi(await TestPostgres.CreateDatabaseAsync("membershipcache"));
        await _api.StartAsync();
        _team = await ProjectScenarios.CreateTeamAsync(_api);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _team.Dispose();

        await _api.DisposeAsync();
    }

    [Test]
    public async Task Membership_answers_are_cached_so_only_changes_made_through_the_api_are_seen_at_once()
    {
        var owner = _team.ClientFor("owner");
        var project = await ProjectScenarios.CreateProjectAsync(owner);
        await ProjectScenarios.AddMemberAsync(owner, project.Id, _team.UserFor("maintainer").Id, "maintainer");
        var maintainer = _team.ClientFor("maintainer");
        using (var warm = await PatchAsync(maintainer, project.Id, new { name = "Cached as maintainer" }))
        {
            await Expect.Status(warm, HttpStatusCode.OK);
        }

        // Behind the module's back: no eviction, so this instance keeps its cached answer for now.
        await ExecuteAsync($"""
            update projects.members set role = 'viewer' where project_id = '{project.Id}' and user_id = '{_team.UserFor("maintainer").Id}'
            """);
        using (var stale = await PatchAsync(maintainer, project.Id, new { name = "Still allowed from the cache" }))
        {
            await Expect.Status(stale, HttpStatusCode.OK);
        }

        // Any change through the API evicts the project's memberships, and the database's answer shows again.
        await ProjectScenarios.AddMemberAsync(owner, project.Id, _team.UserFor("none").Id, "viewer");
        using var fresh = await PatchAsync(maintainer, project.Id, new { name = "Denied now" });
        await Expect.Problem(fresh, HttpStatusCode.Forbidden);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
