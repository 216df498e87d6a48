using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orbit.Modules.Webhooks;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Notifications;

/// <summary>The webhook dispatcher's host reaches PostgreSQL only through a proxy the test can cut.</summary>
public sealed class WebhookDispatcherOutageTests
{
    [Test]
    public async Task The_dispatcher_logs_an_outage_once_and_says_when_it_works_again()
    {
        var target = new NpgsqlConnectionStringBuilder(await TestPostgres.CreateDatabaseAsync("outage_webhooks"));
        await using var proxy = new TcpProxy(target.Host!, target.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 10 };
        var logs = new DispatcherLog();
        await using var api = new OrbitApi(throughProxy.ConnectionString, services: services => services.AddSingleton<ILoggerProvider>(logs));
        await api.StartAsync();

        proxy.Cut();
        NpgsqlConnection.ClearAllPools();
        await Eventually.True(() => Task.FromResult(logs.Lines.Any(l => l.Level == LogLevel.Warning)), "the dispatcher to notice the outage", TimeSpan.FromSeconds(30));
        // OrbitApi polls every 50 ms: the old dispatcher logged a Warning for each of the dozens of failed rounds in this time.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Multiple(() =>
        {
            Assert.That(logs.Lines.Count(l => l.Level == LogLevel.Warning), Is.EqualTo(1), "one Warning for the outage, not one per failed round");
            Assert.That(logs.Lines.Where(l => l.Level >= LogLevel.Error), Is.Empty);
        });

        proxy.Restore();
        await Eventually.True(
            () => Task.FromResult(logs.Lines.Any(l => l.Level == LogLevel.Information && l.Message.Contains("works again", StringComparison.Ordinal))),
            "the dispatcher to say it works again", TimeSpan.FromSeconds(30));
        Assert.That(logs.Lines.Count(l => l.Level == LogLevel.Warning), Is.EqualTo(1));
    }

    private sealed class DispatcherLog : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName == typeof(WebhookDispatcher).FullName);

        public void Dispose()
        {
        }

        private sealed class Logger(DispatcherLog log, bool dispatcher) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => dispatcher && logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    log.Lines.Enqueue((logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
