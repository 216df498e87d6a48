using System.Net;
using System.Net.Http.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Identity;

/// <summary>Rules about "the only admin" need a database where the bootstrap admin really is the only one.</summary>
public sealed class LastAdminTests
{
    private OrbitApi _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _api = new OrbitApi(await TestPostgres.CreateDatabaseAsync("lastadmin"));
        await _api.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _api.DisposeAsync();

    [Test]
    public async Task The_last_admin_cannot_lose_the_admin_role()
    {
        using var admin = await _api.AdminClientAsync();
        var me = await admin.GetFromJsonAsync<UserBody>("/api/v1/users/me");

        using var response = await admin.PutAsJsonAsync($"/api/v1/admin/users/{me!.Id}/roles", new { roles = Array.Empty<string>() });

        var problem = await Expect.Problem(response, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("identity.last_admin"));
        using var stillAdmin = await admin.GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative));
        await Expect.Status(stillAdmin, HttpStatusCode.OK);
    }

    [Test]
    public async Task The_bootstrap_admin_is_created_once_and_a_restart_does_not_touch_it()
    {
        // A second host on the same database runs the bootstrap again; it must find the admin and do nothing.
        await using var restarted = new OrbitApi(_api.ConnectionString, new Dictionary<string, string?> { ["Bootstrap:AdminPassword"] = "a different password!" });
        await restarted.StartAsync();

        await _api.SignInAsync(OrbitApi.AdminEmail, OrbitApi.AdminPassword);
        using var client = restarted.CreateClient();
        using var withNewPassword = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = OrbitApi.AdminEmail, password = "a different password!" });
        await Expect.Problem(withNewPassword, HttpStatusCode.Unauthorized);
    }
}

public sealed class CredentialRateLimitTests
{
    private OrbitApi _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _api = new OrbitApi(TestPostgres.SharedDatabase, new Dictionary<string, string?>
        {
            ["RateLimiting:Credentials:PermitLimit"] = "3",
            ["RateLimiting:Credentials:WindowSeconds"] = "60",
        });
        await _api.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _api.DisposeAsync();

    [Test]
    public async Task Sign_in_attempts_over_the_limit_get_429_with_retry_after()
    {
        using var client = _api.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            // A fresh email each time: the per-account sign-in throttle must not be what answers.
            last = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"nobody-{Guid.NewGuid():N}@tests.orbit", password = "irrelevant password" });
            statuses.Add(last.StatusCode);
        }

        Assert.That(statuses.Take(3), Is.All.EqualTo(HttpStatusCode.Unauthorized));
        await Expect.Problem(last!, HttpStatusCode.TooManyRequests);
        Assert.That(last!.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        last.Dispose();
    }
}
