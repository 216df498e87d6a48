using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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

    [Test]
    public async Task While_the_database_is_down_an_authenticated_request_answers_503_and_authentication_logs_no_error_per_request()
    {
        var target = new NpgsqlConnectionStringBuilder(await TestPostgres.CreateDatabaseAsync("outage_auth"));
        await using var proxy = new TcpProxy(target.Host!, target.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2 };
        var logs = new LevelCapture();
        await using var api = new OrbitApi(throughProxy.ConnectionString, services: services => services.AddSingleton<ILoggerProvider>(logs));
        await api.StartAsync();
        var user = await api.RegisterAsync();
        using var client = await user.ClientAsync();

        proxy.Cut();
        NpgsqlConnection.ClearAllPools();

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
            await Expect.Problem(response, HttpStatusCode.ServiceUnavailable);
            Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        }

        var authentication = logs.Lines.Where(l => l.Category.Contains("Authentication", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(authentication.Where(l => l.Level >= LogLevel.Error), Is.Empty, "no Error per request from JwtBearerHandler");
            Assert.That(authentication.Count(l => l.Level == LogLevel.Warning), Is.AtMost(1), "one Warning for the outage, not one per request");
        });
    }

    [Test]
    public async Task The_relay_logs_an_outage_once_backs_off_and_listens_again_when_the_database_returns()
    {
        var target = new NpgsqlConnectionStringBuilder(await TestPostgres.CreateDatabaseAsync("outage_relay"));
        await using var proxy = new TcpProxy(target.Host!, target.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2 };
        var logs = new LevelCapture();
        // A poll interval far longer than the wait below: an event delivered in time after the outage came by NOTIFY.
        var settings = new Dictionary<string, string?> { ["Outbox:PollInterval"] = "00:01:00" };
        await using var api = new OrbitApi(throughProxy.ConnectionString, settings, services => services.AddSingleton<ILoggerProvider>(logs));
        await api.StartAsync();
        var team = await ProjectScenarios.CreateTeamAsync(api);

        // The relay's LISTEN connection, seen from the server side (not through the proxy).
        await using var direct = new NpgsqlConnection(target.ConnectionString);
        const string ListenersSql = $"select pid from pg_stat_activity where datname = current_database() and application_name = '{Orbit.Shared.Events.OutboxRelay.ListenerApplicationName}'";
        var before = (await direct.QueryAsync<int>(ListenersSql)).ToList();
        Assert.That(before, Is.Not.Empty, "the relay listens");

        proxy.Cut();
        NpgsqlConnection.ClearAllPools();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var relay = logs.Lines.Where(l => l.Category == typeof(Orbit.Shared.Events.OutboxRelay).FullName).ToList();
        Assert.That(relay.Count(l => l.Level == LogLevel.Warning), Is.EqualTo(1), "one Warning for the outage, not one per failed round");
        Assert.That(relay.Where(l => l.Level >= LogLevel.Error), Is.Empty);

        proxy.Restore();
        await Eventually.True(
            async () => (await direct.QueryAsync<int>(ListenersSql)).Any(pid => !before.Contains(pid)),
            "the relay to LISTEN again", TimeSpan.FromSeconds(30));
        Assert.That(logs.Lines.Count(l => l.Category == typeof(Orbit.Shared.Events.OutboxRelay).FullName && l.Level == LogLevel.Warning), Is.EqualTo(1));

        var task = await Orbit.Tests.Tasks.TaskApi.CreateAsync(team.ClientFor("owner"), team.Project.Id, new { title = "After the outage" });
        var watch = Stopwatch.StartNew();
        await Eventually.True(
            async () => await direct.ExecuteScalarAsync<long>("select count(*) from audit.entries where task_id = @Id", new { task.Id }) > 0,
            "the new task in the audit trail", TimeSpan.FromSeconds(70));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "woken by NOTIFY, not by the 60 s poll (the margin is for a loaded machine)");
    }

    private sealed class LevelCapture : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LevelCapture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                capture.Lines.Enqueue((category, logLevel));
        }
    }
}
