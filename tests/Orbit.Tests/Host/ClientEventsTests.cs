using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Host;

/// <summary><c>POST /client-events</c>: browser errors become Warning logs, Web Vitals become histograms.</summary>
public sealed class ClientEventsTests
{
    private const string Path = "/api/v1/client-events";

    private readonly StateCapture _logs = new();
    private readonly ConcurrentQueue<(string Instrument, double Value)> _measurements = new();
    private MeterListener _listener = null!;
    private OrbitApi _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _api = new OrbitApi(TestPostgres.SharedDatabase, services: services => services.AddSingleton<ILoggerProvider>(_logs));
        await _api.StartAsync();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Orbit" && instrument.Name.StartsWith("orbit.web.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => _measurements.Enqueue((instrument.Name, value)));
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _measurements.Enqueue((instrument.Name, value)));
        _listener.Start();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _listener.Dispose();
        await _api.DisposeAsync();
    }

    private async Task<HttpResponseMessage> PostAsync(object body, HttpClient? client = null)
    {
        using var anonymous = _api.CreateClient();
        return await (client ?? anonymous).PostAsJsonAsync(Path, body);
    }

    private async Task<HttpResponseMessage> PostRawAsync(string json)
    {
        using var client = _api.CreateClient();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PostAsync(new Uri(Path, UriKind.Relative), content);
    }

    private List<LoggedState> ClientErrorLogs(string marker) =>
        [.. _logs.Lines.Where(l => l.Category == "Orbit.Web.ClientErrors" && l.Message.Contains(marker, StringComparison.Ordinal))];

    [Test]
    public async Task Each_reported_error_is_one_warning_with_exactly_the_reported_fields()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var response = await PostAsync(new
        {
            errors = new object[]
            {
                new { message = $"TypeError {marker}", stack = "at render (app.js:1:2)", url = "https://orbit.example/projects", componentStack = "in TaskList" },
                new { message = $"Second {marker}", url = "https://orbit.example/tasks/ABC-1" },
            },
        });

        await Expect.Status(response, HttpStatusCode.Accepted);
        var logs = ClientErrorLogs(marker);
        Assert.That(logs, Has.Count.EqualTo(2));
        var first = logs.Single(l => l.Message.Contains("TypeError", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(logs.Select(l => l.Level), Is.All.EqualTo(LogLevel.Warning));
            Assert.That(first.State["ClientMessage"], Is.EqualTo($"TypeError {marker}"));
            Assert.That(first.State["Url"], Is.EqualTo("https://orbit.example/projects"));
            Assert.That(first.State["Stack"], Is.EqualTo("at render (app.js:1:2)"));
            Assert.That(first.State["ComponentStack"], Is.EqualTo("in TaskList"));
            Assert.That(logs.SelectMany(l => l.State.Keys).Distinct(),
                Is.SubsetOf(new[] { "ClientMessage", "Url", "Stack", "ComponentStack", "{OriginalFormat}" }), "nothing beyond the reported fields");
        });
        Assert.That(_measurements.Count(m => m.Instrument == "orbit.web.client_errors"), Is.GreaterThanOrEqualTo(2));
        using var client = _api.CreateClient();
        await Eventually.Get(
            () => client.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            metrics => metrics.Contains("orbit_web_client_errors_total", StringComparison.Ordinal),
            "the client error counter on /metrics");
    }

    [Test]
    public async Task Each_vital_is_recorded_in_its_own_histogram()
    {
        // Values unlikely to come from any other test, so the assertion finds these measurements.
        var lcp = 1234.5 + Random.Shared.NextDouble();
        var cls = 0.0123 + (Random.Shared.NextDouble() / 1000);
        using var response = await PostAsync(new
        {
            vitals = new object[]
            {
                new { name = "LCP", value = lcp, rating = "good", url = "https://orbit.example/" },
                new { name = "CLS", value = cls, rating = "needs-improvement", url = "https://orbit.example/" },
                new { name = "TTFB", value = 321.0, url = "https://orbit.example/" },
            },
        });

        await Expect.Status(response, HttpStatusCode.Accepted);
        Assert.Multiple(() =>
        {
            Assert.That(_measurements, Does.Contain(("orbit.web.vital.lcp", lcp / 1000)));
            Assert.That(_measurements, Does.Contain(("orbit.web.vital.cls", cls)));
            Assert.That(_measurements, Does.Contain(("orbit.web.vital.ttfb", 0.321)));
        });

        // The exporter may answer a scrape from a short-lived cache: poll until the new series show.
        using var client = _api.CreateClient();
        await Eventually.Get(
            () => client.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            metrics => metrics.Contains("orbit_web_vital_lcp_seconds_bucket", StringComparison.Ordinal)
                && metrics.Contains("orbit_web_vital_cls_bucket", StringComparison.Ordinal)
                && metrics.Contains("orbit_web_vital_ttfb_seconds_bucket", StringComparison.Ordinal),
            "the vital histograms on /metrics");
    }

    [Test]
    public async Task An_empty_report_and_a_signed_in_report_are_accepted_too()
    {
        using var empty = await PostRawAsync("{}");
        await Expect.Status(empty, HttpStatusCode.Accepted);

        var user = await _api.RegisterAsync();
        using var client = await user.ClientAsync();
        using var signedIn = await PostAsync(new { vitals = new[] { new { name = "INP", value = 40.0, url = "https://orbit.example/" } } }, client);
        await Expect.Status(signedIn, HttpStatusCode.Accepted);
    }

    public static IEnumerable<TestCaseData> BadReports()
    {
        var url = "https://orbit.example/";
        yield return new TestCaseData(new { errors = new[] { new { message = new string('m', 2001), url } } }, "errors[0].message").SetName("A message over 2,000 characters is refused");
        yield return new TestCaseData(new { errors = new[] { new { message = "", url } } }, "errors[0].message").SetName("An empty message is refused");
        yield return new TestCaseData(new { errors = new[] { new { message = "m", stack = new string('s', 8001), url } } }, "errors[0].stack").SetName("A stack over 8,000 characters is refused");
        yield return new TestCaseData(new { errors = new[] { new { message = "m", url, componentStack = new string('c', 8001) } } }, "errors[0].componentStack").SetName("A component stack over 8,000 characters is refused");
        yield return new TestCaseData(new { errors = new[] { new { message = "m", url = "https://orbit.example/" + new string('u', 2000) } } }, "errors[0].url").SetName("A url over 2,000 characters is refused");
        yield return new TestCaseData(new { errors = new[] { new { message = "m" } } }, "errors[0].url").SetName("An error without url is refused");
        yield return new TestCaseData(new { errors = Enumerable.Repeat(new { message = "m", url }, 21).ToArray() }, "errors").SetName("More than 20 errors are refused");
        yield return new TestCaseData(new { vitals = Enumerable.Repeat(new { name = "LCP", value = 1.0, url }, 21).ToArray() }, "vitals").SetName("More than 20 vitals are refused");
        yield return new TestCaseData(new { vitals = new[] { new { name = "LCP", value = -1.0, url } } }, "vitals[0].value").SetName("A negative vital is refused");
        yield return new TestCaseData(new { vitals = new[] { new { name = "LCP", value = 1.0, url = "" } } }, "vitals[0].url").SetName("A vital without url is refused");
    }

    [TestCaseSource(nameof(BadReports))]
    public async Task Bad_reports_are_validation_errors_naming_the_field(object body, string field)
    {
        using var response = await PostAsync(body);
        var problem = await Expect.ValidationError(response, field);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("validation_failed"));
    }

    [TestCase("""{"vitals":[{"name":"FID","value":1,"url":"u"}]}""", "vitals[0].name", TestName = "An unknown vital name is refused")]
    [TestCase("""{"vitals":[{"name":"LCP","value":1,"rating":"meh","url":"u"}]}""", "vitals[0].rating", TestName = "An unknown rating is refused")]
    [TestCase("""{"userAgent":"x"}""", "userAgent", TestName = "An unknown property is refused")]
    public async Task Unreadable_reports_name_the_field(string json, string field)
    {
        using var response = await PostRawAsync(json);
        await Expect.ValidationError(response, field);
    }

    [Test]
    public async Task A_rejected_report_logs_none_of_its_errors()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var response = await PostAsync(new
        {
            errors = new object[] { new { message = $"Fine {marker}", url = "https://orbit.example/" }, new { message = $"No url {marker}" } },
        });

        await Expect.ValidationError(response, "errors[1].url");
        Assert.That(ClientErrorLogs(marker), Is.Empty);
    }

    [Test]
    public async Task A_body_over_16_KiB_is_413()
    {
        var json = JsonSerializer.Serialize(new { errors = new[] { new { message = "m", url = "https://orbit.example/", stack = new string('s', 17 * 1024) } } });

        using var response = await PostRawAsync(json);

        var problem = await Expect.Problem(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("16384"));
    }

    [Test]
    public async Task The_openapi_document_describes_the_report_as_anonymous_with_the_vital_names()
    {
        using var client = _api.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
        var operation = document.GetProperty("paths").GetProperty(Path).GetProperty("post");
        Assert.Multiple(() =>
        {
            Assert.That(operation.GetProperty("operationId").GetString(), Is.EqualTo("ReportClientEvents"));
            Assert.That(operation.GetProperty("security").GetArrayLength(), Is.Zero, "anonymous: security is []");
            Assert.That(operation.GetProperty("responses").EnumerateObject().Select(r => r.Name), Is.SupersetOf(new[] { "202", "400", "413", "429" }));
        });
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var text = schemas.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("\"LCP\""));
            Assert.That(text, Does.Contain("\"TTFB\""));
            Assert.That(text, Does.Contain("\"needs-improvement\""));
        });
    }

    private sealed record LoggedState(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> State);

    /// <summary>Log lines with their structured state, to see exactly which fields a line carries.</summary>
    private sealed class StateCapture : ILoggerProvider
    {
        public ConcurrentQueue<LoggedState> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(StateCapture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
                capture.Lines.Enqueue(new LoggedState(category, logLevel, formatter(state, exception), fields));
            }
        }
    }
}

/// <summary>The per-address limit of client reports, on a host of its own so the low limit touches no other test.</summary>
public sealed class ClientEventsRateLimitTests
{
    private OrbitApi _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _api = new OrbitApi(TestPostgres.SharedDatabase, new Dictionary<string, string?>
        {
            ["RateLimiting:ClientEvents:PermitLimit"] = "3",
            ["RateLimiting:ClientEvents:WindowSeconds"] = "60",
        });
        await _api.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _api.DisposeAsync();

    [Test]
    public async Task Reports_over_the_limit_get_429_with_retry_after_and_other_endpoints_are_unaffected()
    {
        using var client = _api.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/v1/client-events", new { });
            statuses.Add(response.StatusCode);
            if (i == 3)
            {
                await Expect.Problem(response, HttpStatusCode.TooManyRequests);
                Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
            }
        }

        Assert.That(statuses.Take(3), Is.All.EqualTo(HttpStatusCode.Accepted));
        using var other = await client.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
        await Expect.Problem(other, HttpStatusCode.Unauthorized);
    }
}
