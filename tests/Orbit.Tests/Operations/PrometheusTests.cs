using System.Diagnostics;
using System.Net.Http.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Operations;

/// <summary>
/// The alert rules and the /metrics exposition, checked with Prometheus' own promtool (Debian package
/// <c>prometheus</c>, which .ci/run installs). Without promtool on the machine these tests are skipped, not passed.
/// </summary>
public sealed class PrometheusTests
{
    private static readonly string RulesDirectory = Path.Combine(RepositoryRoot(), "docs", "operations", "prometheus");

    [Test]
    public async Task The_alert_rules_are_valid()
    {
        var (exitCode, output) = await PromtoolAsync(["check", "rules", "orbit-alerts.yml"]);
        Assert.That(exitCode, Is.Zero, output);
    }

    [Test]
    public async Task The_alert_rules_pass_their_unit_tests()
    {
        var (exitCode, output) = await PromtoolAsync(["test", "rules", "orbit-alerts.test.yml"]);
        Assert.That(exitCode, Is.Zero, output);
    }

    [Test]
    public async Task The_metrics_endpoint_passes_promtool_check_metrics_and_names_what_the_alerts_use()
    {
        using var client = TestPostgres.Api.CreateClient();
        // A request through the mediator, so its instruments have something to show.
        using (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "nobody@tests.orbit", password = "not a password" }))
        {
        }

        // The outbox gauges appear once the relay has probed the backlog (every few seconds).
        var metrics = await Eventually.Get(
            () => client.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            text => text.Contains("orbit_outbox_backlog", StringComparison.Ordinal) && text.Contains("orbit_mediator_request_duration_seconds", StringComparison.Ordinal),
            "the outbox gauges and mediator metrics in /metrics");

        var (exitCode, output) = await PromtoolAsync(["check", "metrics"], metrics);

        // Exit 1 is an exposition that does not parse; exit 3 is naming lint. OpenTelemetry's semantic-convention
        // names from the runtime and Npgsql (db.client.connection.count, dotnet.timer.count) render with a "_count"
        // suffix promtool's linter dislikes; Orbit keeps the standard names, so lint is allowed there and nowhere else.
        Assert.That(exitCode, Is.AnyOf(0, 3), output);
        var lint = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lint.Where(l => !l.StartsWith("db_client_", StringComparison.Ordinal) && !l.StartsWith("dotnet_", StringComparison.Ordinal)), Is.Empty,
            "Orbit's own metric names pass promtool's lint");
        Assert.That(metrics, Does.Contain("http_server_request_duration_seconds_bucket")
            .And.Contain("orbit_mediator_request_duration_seconds")
            .And.Contain("orbit_outbox_oldest_message_age_seconds")
            .And.Contain("orbit_outbox_dead_messages")
            .And.Contain("orbit_database_reachable"));
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(string[] arguments, string? input = null)
    {
        var promtool = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "promtool")).FirstOrDefault(File.Exists);
        if (promtool is null)
        {
            Assert.Ignore("promtool is not installed (Debian: apt-get install prometheus); .ci/run installs it.");
        }

        var start = new ProcessStartInfo(promtool!)
        {
            WorkingDirectory = RulesDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "App.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("App.sln not found above the test binaries.");
    }
}
