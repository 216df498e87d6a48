using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;

namespace Orbit.Tests.Host;

/// <summary>
/// Two hosts over one database, as two instances behind a load balancer. Both cache user states and memberships
/// (minutes, as a backstop only); a change made through one must be refused on the other at once: within the time a
/// PostgreSQL notification takes to arrive, which these tests bound at two seconds, far below any cache lifetime.
/// </summary>
public sealed class EvictionBroadcastTests
{
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(2);

    private string _database = "";
    private OrbitApi _first = null!;
    private OrbitApi _second = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync("evictions");
        _first = new OrbitApi(_database);
        await _first.StartAsync();
        _second = new OrbitApi(_database);
        await _second.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Test]
    public async Task A_member_removed_on_one_instance_is_refused_at_once_on_another()
    {
        var (project, task, member, owner) = await ProjectWithMemberAsync("member");
        using var onSecond = _second.CreateClient(member.AccessToken);
        await ExpectStatusAsync(onSecond, $"/api/v1/tasks/{task.Key}", HttpStatusCode.OK);   // cached on the second host now

        using (var removed = await owner.DeleteAsync($"/api/v1/projects/{project.Id}/members/{member.User.Id}"))
        {
            await Expect.Status(removed, HttpStatusCode.NoContent);
        }

        await RefusedAtOnceAsync(onSecond, $"/api/v1/tasks/{task.Key}", HttpStatusCode.NotFound, "the removed member refused on the second host");
    }

    [Test]
    public async Task A_project_role_lowered_on_one_instance_applies_at_once_on_another()
    {
        var (project, task, member, owner) = await ProjectWithMemberAsync("member");
        using var onSecond = _second.CreateClient(member.AccessToken);
        await ExpectStatusAsync(onSecond, $"/api/v1/tasks/{task.Key}", HttpStatusCode.OK);

        await ProjectScenarios.AddMemberAsync(owner, project.Id, member.User.Id, "viewer");

        await Eventually.True(async () =>
        {
            using var created = await onSecond.PostAsJsonAsync($"/api/v1/projects/{project.Id}/tasks", new { title = "Viewers cannot create" });
            return created.StatusCode == HttpStatusCode.Forbidden;
        }, "the lowered role applied on the second host", AtOnce);
    }

    [Test]
    public async Task A_user_disabled_on_one_instance_is_refused_at_once_on_another()
    {
        var (_, task, member, _) = await ProjectWithMemberAsync("member");
        using var onSecond = _second.CreateClient(member.AccessToken);
        await ExpectStatusAsync(onSecond, $"/api/v1/tasks/{task.Key}", HttpStatusCode.OK);   // user state cached there

        using var admin = await _first.AdminClientAsync();
        using (var disabled = await admin.PostAsync(new Uri($"/api/v1/admin/users/{member.User.Id}/disable", UriKind.Relative), null))
        {
            await Expect.Status(disabled, HttpStatusCode.OK);
        }

        await RefusedAtOnceAsync(onSecond, $"/api/v1/tasks/{task.Key}", HttpStatusCode.Unauthorized, "the disabled user refused on the second host");
    }

    [Test]
    public async Task An_admin_role_removed_on_one_instance_is_refused_at_once_on_another()
    {
        var user = await _first.RegisterAsync("Temporary Admin");
        using var admin = await _first.AdminClientAsync();
        using (var granted = await admin.PutAsJsonAsync($"/api/v1/admin/users/{user.Id}/roles", new { roles = new[] { "admin" } }))
        {
            await Expect.Status(granted, HttpStatusCode.OK);
        }

        using var onSecond = _second.CreateClient((await user.SignInAsync()).AccessToken);
        await ExpectStatusAsync(onSecond, "/api/v1/admin/users", HttpStatusCode.OK);

        using (var revoked = await admin.PutAsJsonAsync($"/api/v1/admin/users/{user.Id}/roles", new { roles = Array.Empty<string>() }))
        {
            await Expect.Status(revoked, HttpStatusCode.OK);
        }

        await RefusedAtOnceAsync(onSecond, "/api/v1/admin/users", HttpStatusCode.Forbidden, "the former admin refused on the second host");
    }

    [Test]
    public async Task After_its_listener_connection_is_cut_an_instance_still_misses_no_eviction()
    {
        var (project, task, member, owner) = await ProjectWithMemberAsync("member");
        using var onSecond = _second.CreateClient(member.AccessToken);
        await ExpectStatusAsync(onSecond, $"/api/v1/tasks/{task.Key}", HttpStatusCode.OK);

        // Cut every instance's LISTEN connection (a database restart or failover looks like this), then change.
        await using (var connection = new NpgsqlConnection(_database))
        {
            var cut = await connection.ExecuteScalarAsync<int>("""
                select count(*) from (
                  select pg_terminate_backend(pid) from pg_stat_activity
                  where datname = current_database() and pid <> pg_backend_pid() and application_name = 'orbit cache evictions'
                ) cut
                """);
            Assert.That(cut, Is.GreaterThanOrEqualTo(2), "both hosts' listener connections");
        }

        using (var removed = await owner.DeleteAsync($"/api/v1/projects/{project.Id}/members/{member.User.Id}"))
        {
            await Expect.Status(removed, HttpStatusCode.NoContent);
        }

        await RefusedAtOnceAsync(onSecond, $"/api/v1/tasks/{task.Key}", HttpStatusCode.NotFound, "the removed member refused after the listener reconnected");

        // And the listener is back: the next change is heard as well.
        var (_, otherTask, other, _) = await ProjectWithMemberAsync("member");
        using var otherOnSecond = _second.CreateClient(other.AccessToken);
        await Eventually.True(async () =>
        {
            using var response = await otherOnSecond.GetAsync(new Uri($"/api/v1/tasks/{otherTask.Key}", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }, "the second host serving again", TimeSpan.FromSeconds(10));
    }

    private async Task<(ProjectBody Project, TaskBody Task, (TestUser User, string AccessToken) Member, HttpClient Owner)> ProjectWithMemberAsync(string role)
    {
        var ownerUser = await _first.RegisterAsync("Owner");
        var owner = await ownerUser.ClientAsync();
        var project = await ProjectScenarios.CreateProjectAsync(owner);
        var task = await TaskApi.CreateAsync(owner, project.Id, new { title = "Seen from both hosts" });
        var member = await _first.RegisterAsync("Member");
        await ProjectScenarios.AddMemberAsync(owner, project.Id, member.Id, role);
        return (project, task, (member, (await member.SignInAsync()).AccessToken), owner);
    }

    private static async Task ExpectStatusAsync(HttpClient client, string path, HttpStatusCode status)
    {
        // Twice: the first answer fills the caches, the second is served from them.
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            await Expect.Status(response, status);
        }
    }

    private static Task RefusedAtOnceAsync(HttpClient client, string path, HttpStatusCode status, string what) =>
        Eventually.True(async () =>
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            return response.StatusCode == status;
        }, what, AtOnce);
}
