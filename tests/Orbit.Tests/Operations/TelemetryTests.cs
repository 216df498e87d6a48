using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Trace;
using Orbit.Shared.Events;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;

namespace Orbit.Tests.Operations;

/// <summary>What an operator sees: spans captured with the in-memory exporter, logs with their scopes.</summary>
public sealed class TelemetryTests
{
    // The exporter appends from the host's threads while tests read: every access goes through the collection's lock.
    private readonly LockedCollection<Activity> _spans = new();
    private readonly LogCapture _logs = new();
    private string _database = "";
    private OrbitApi _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync("telemetry");
        _api = new OrbitApi(_database, new Dictionary<string, string?> { ["Logging:LogLevel:Orbit.Host.Http.RequestLoggingMiddleware"] = "Debug" }, services: services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
            services.AddSingleton<ILoggerProvider>(_logs);
            services.AddScoped<IIntegrationEventSubscriber, NoOpSubscriber>();
        });
        await _api.StartAsync();
        await using var connection = new NpgsqlConnection(_database);
        await connection.ExecuteAsync("""
            create schema if not exists telemetrytest;
            create table if not exists telemetrytest.inbox (message_id uuid not null, consumer text not null, handled_at timestamptz not null default now(), primary key (message_id, consumer));
            """);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _api.DisposeAsync();

    private static (string TraceParent, ActivityTraceId TraceId) NewTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        return ($"00-{traceId}-{ActivitySpanId.CreateRandom()}-01", traceId);
    }

    private List<Activity> SpansOf(ActivityTraceId traceId) => _spans.Snapshot().Where(s => s.TraceId == traceId).ToList();

    [Test]
    public async Task A_request_is_one_trace_from_the_http_span_through_the_mediator_span_to_the_sql()
    {
        var user = await _api.RegisterAsync();
        using var client = await user.ClientAsync();
        var (traceParent, traceId) = NewTrace();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
        request.Headers.Add("traceparent", traceParent);
        using (var response = await client.SendAsync(request))
        {
            await Expect.Status(response, System.Net.HttpStatusCode.OK);
        }

        var spans = await Eventually.Get(() => Task.FromResult(SpansOf(traceId)), s => s.Any(a => a.Kind == ActivityKind.Server), "the request's spans");
        var server = spans.Single(s => s.Kind == ActivityKind.Server);
        var mediator = spans.Single(s => s.DisplayName == "GetCurrentUserQuery");
        Assert.Multiple(() =>
        {
            Assert.That(mediator.ParentSpanId, Is.EqualTo(server.SpanId), "the mediator span is a child of the HTTP span");
            Assert.That(mediator.GetTagItem("orbit.module"), Is.EqualTo("Identity"));
            Assert.That(mediator.GetTagItem("orbit.outcome"), Is.EqualTo("success"));
            Assert.That(spans.Where(s => s.Source.Name == "Npgsql").Select(s => s.ParentSpanId), Does.Contain(mediator.SpanId),
                "the handler's SQL runs inside the mediator span");
        });
    }

    [Test]
    public async Task A_delivered_event_is_a_span_linked_to_the_request_that_raised_it()
    {
        var team = await ProjectScenarios.CreateTeamAsync(_api);
        var (traceParent, traceId) = NewTrace();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/projects/{team.Project.Id}/tasks") { Content = JsonContent.Create(new { title = "Traced" }) };
        request.Headers.Add("traceparent", traceParent);
        using (var response = await team.ClientFor("member").SendAsync(request))
        {
            await Expect.Status(response, System.Net.HttpStatusCode.Created);
        }

        var delivery = await Eventually.Get(
            () => Task.FromResult(_spans.Snapshot().FirstOrDefault(s => s.DisplayName == "task.created deliver to telemetry-test" && s.Links.Any(l => l.Context.TraceId == traceId))),
            span => span is not null,
            "a delivery span linked to the creating request");
        Assert.That(delivery!.Kind, Is.EqualTo(ActivityKind.Consumer));
    }

    [Test]
    public async Task Log_lines_carry_the_trace_id_and_the_correlation_id()
    {
        var (traceParent, traceId) = NewTrace();
        using var client = _api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email = "nobody@tests.orbit", password = "wrong password" }) };
        request.Headers.Add("traceparent", traceParent);
        request.Headers.Add("X-Correlation-Id", "corr-123");
        using (await client.SendAsync(request))
        {
        }

        var line = await Eventually.Get(
            () => Task.FromResult(_logs.Lines.FirstOrDefault(l => l.Message.Contains("SignInCommand", StringComparison.Ordinal) && l.Scopes.Contains($"TraceId={traceId}"))),
            l => l is not null,
            "the mediator's log line for the failed sign-in");
        Assert.That(line!.Scopes, Does.Contain("CorrelationId=corr-123"));
    }

    [Test]
    public async Task Each_request_is_logged_once_with_its_route_template_and_never_its_query_string()
    {
        var marker = "query-secret-" + Guid.NewGuid().ToString("N");
        using var client = _api.CreateClient();
        using (await client.GetAsync(new Uri($"/api/v1/tasks/ABC-1?token={marker}", UriKind.Relative)))
        {
        }

        var line = await Eventually.Get(
            () => Task.FromResult(_logs.Lines.FirstOrDefault(l => l.Category.EndsWith("RequestLoggingMiddleware", StringComparison.Ordinal) && l.Message.Contains("/api/v1/tasks/{idOrKey}", StringComparison.Ordinal))),
            l => l is not null,
            "the request's log line");
        Assert.That(line!.Message, Does.Contain("GET").And.Contain("401"));
        Assert.That(_logs.Lines.Select(l => l.Message + l.Scopes), Has.None.Contains(marker));
    }

    [Test]
    public async Task Sign_in_telemetry_contains_no_password_and_no_token()
    {
        var password = "telemetry-secret-" + Guid.NewGuid().ToString("N");
        var user = await _api.RegisterAsync(password: password);
        var tokens = await user.SignInAsync();
        using (var client = _api.CreateClient())
        using (var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = password + "x" }))
        {
        }

        var everything = string.Join("\n", _spans.Snapshot().Select(s => $"{s.DisplayName} {string.Join(",", s.TagObjects.Select(t => $"{t.Key}={t.Value}"))} {string.Join(",", s.Events.Select(e => e.Name))}"));

        everything += "\n" + string.Join("\n", _logs.Lines.Select(l => l.Message + " " + l.Scopes));
        Assert.That(everything, Does.Not.Contain(password).And.Not.Contain(tokens.AccessToken).And.Not.Contain(tokens.RefreshToken));
    }

    [Test]
    public async Task Metrics_report_mediator_requests_by_module_and_sign_in_outcomes()
    {
        var user = await _api.RegisterAsync();
        await user.SignInAsync();
        using var client = _api.CreateClient();
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.That(metrics, Does.Match("orbit_mediator_request_duration_seconds_count\\{[^}]*orbit_module=\"Identity\"[^}]*orbit_request=\"SignInCommand\""));
        Assert.That(metrics, Does.Match("orbit_identity_sign_in_attempts_total\\{[^}]*outcome=\"success\""));
    }

    private sealed class LockedCollection<T> : ICollection<T>
    {
        private readonly List<T> _items = [];

        public int Count
        {
            get
            {
                lock (_items)
                {
                    return _items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public List<T> Snapshot()
        {
            lock (_items)
            {
                return [.. _items];
            }
        }

        public void Add(T item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_items)
            {
                _items.Clear();
            }
        }

        public bool Contains(T item) => Snapshot().Contains(item);

        public void CopyTo(T[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

        public bool Remove(T item)
        {
            lock (_items)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class NoOpSubscriber : IIntegrationEventSubscriber
    {
        public string Consumer => "telemetry-test";

        public string Schema => "telemetrytest";

        public bool Accepts(string eventType) => eventType == "task.created";

        public Task HandleAsync(IntegrationMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed record LogLine(string Category, string Message, string Scopes);

    private sealed class LogCapture : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<LogLine> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => capture._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<string>();
                capture._scopes.ForEachScope(
                    (scope, list) =>
                    {
                        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                        {
                            list.AddRange(pairs.Select(p => $"{p.Key}={p.Value}"));
                        }
                    },
                    scopes);
                capture.Lines.Enqueue(new LogLine(category, formatter(state, exception), string.Join(";", scopes)));
            }
        }
    }
}
