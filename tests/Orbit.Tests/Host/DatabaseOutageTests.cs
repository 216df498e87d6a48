using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Host;

/// <summary>A host whose only path to PostgreSQL runs through a proxy the test can cut.</summary>
public sealed class DatabaseOutageTests
{
    [Test]
    public async Task When_the_database_goes_away_readiness_and_requests_answer_503_quickly()
    {
        var target = new NpgsqlConnectionStringBuilder(await TestPostgres.CreateDatabaseAsync("outage"));
        await using var proxy = new TcpProxy(target.Host!, target.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2 };
        await using var api = new OrbitApi(throughProxy.ConnectionString);
        await api.StartAsync();
        using var client = api.CreateClient();
        using (var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            await Expect.Status(ready, HttpStatusCode.OK);
        }

        proxy.Cut();
        NpgsqlConnection.ClearAllPools();

        var watch = Stopwatch.StartNew();
        using var notReady = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.That(notReady.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the process itself is fine");
        using var request = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "a@tests.orbit", password = "whatever password" });
        await Expect.Problem(request, HttpStatusCode.ServiceUnavailable);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)), "no hanging requests");
    }
}
