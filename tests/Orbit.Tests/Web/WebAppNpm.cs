using System.Text;
using System.Text.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Web;

/// <summary>
/// npm scripts of src/Web. node_modules and the built wwwroot are there already: the host's build (which every
/// test run builds first) runs npm ci and npm run build when they are out of date (src/Host/WebApp.targets).
/// </summary>
public static class WebAppNpm
{
    public static async Task<ProcessOutcome> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        if (!File.Exists(Path.Combine(RepositoryLayout.WebDirectory, "package.json")))
        {
            Assert.Fail($"There is no web app at {RepositoryLayout.WebDirectory} (no package.json).");
        }

        if (!Directory.Exists(Path.Combine(RepositoryLayout.WebDirectory, "node_modules")))
        {
            Assert.Fail($"{RepositoryLayout.WebDirectory}/node_modules is missing: build the host first (dotnet build App.sln runs npm ci), " +
                        "or the build ran with OrbitSkipWebBuild=true.");
        }

        var settings = new Dictionary<string, string?>
        {
            // No watch mode, no interactive prompts, no colour codes in the captured output.
            ["CI"] = "true",
            ["NO_COLOR"] = "1",
            ["FORCE_COLOR"] = "0",
            ["npm_config_update_notifier"] = "false",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }

        var npm = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
        return await ExternalProcess.RunAsync(npm, arguments, RepositoryLayout.WebDirectory, timeout, settings);
    }

    /// <summary>
    /// Runs a vitest-based script with vitest's JSON reporter, and turns a failure into an assertion that names each
    /// failing test and its message (or, when vitest did not get as far as a report, shows its output).
    /// </summary>
    public static async Task AssertVitestPassesAsync(string script, IReadOnlyList<string> extraArguments, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var report = Path.Combine(Path.GetTempPath(), $"orbit-vitest-{Guid.NewGuid():N}.json");
        try
        {
            var arguments = new List<string> { "run", script, "--", "--reporter=json", $"--outputFile={report}" };
            arguments.AddRange(extraArguments);
            var outcome = await RunAsync(arguments, timeout, environment);
            if (outcome.Succeeded)
            {
                return;
            }

            var failures = File.Exists(report) ? DescribeFailures(await File.ReadAllTextAsync(report)) : null;
            Assert.Fail(failures is null
                ? outcome.Describe()
                : $"`{outcome.CommandLine}` exited with {outcome.ExitCode}{(outcome.TimedOut ? " (killed at the deadline)" : "")}.\n{failures}\n\nOutput:\n{outcome.OutputTail(3000)}");
        }
        finally
        {
            File.Delete(report);
        }
    }

    /// <summary>Failing tests from vitest's JSON report (Jest's format): file, full name, first lines of each message.</summary>
    private static string? DescribeFailures(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var text = new StringBuilder();
        var failed = 0;
        foreach (var file in root.GetProperty("testResults").EnumerateArray())
        {
            var fileName = Path.GetRelativePath(RepositoryLayout.WebDirectory, file.GetProperty("name").GetString() ?? "?");
            var failedInFile = 0;
            foreach (var test in file.GetProperty("assertionResults").EnumerateArray())
            {
                if (test.GetProperty("status").GetString() != "failed")
                {
                    continue;
                }

                failed++;
                failedInFile++;
                text.AppendLine($"FAILED {fileName} > {test.GetProperty("fullName").GetString()}");
                foreach (var message in test.GetProperty("failureMessages").EnumerateArray())
                {
                    text.AppendLine(Indent(FirstLines(message.GetString() ?? "", 12)));
                }
            }

            // A file that failed to load (syntax error, failing import) has no test results, only a message.
            if (failedInFile == 0 && file.GetProperty("status").GetString() == "failed")
            {
                failed++;
                var message = file.TryGetProperty("message", out var m) ? m.GetString() : "";
                text.AppendLine($"FAILED {fileName} (the file itself)");
                text.AppendLine(Indent(FirstLines(message ?? "", 12)));
            }
        }

        if (failed == 0)
        {
            return null;
        }

        var total = root.TryGetProperty("numTotalTests", out var n) ? n.GetInt32() : 0;
        return $"{failed} failing (of {total} tests):\n{text}";
    }

    private static string FirstLines(string text, int count)
    {
        // Stack frames inside vitest and other packages say nothing about the failing test.
        var lines = text.Split('\n')
            .Where(line => !(line.TrimStart().StartsWith("at ", StringComparison.Ordinal) && line.Contains("/node_modules/", StringComparison.Ordinal)))
            .ToArray();
        return lines.Length <= count ? string.Join('\n', lines).TrimEnd() : string.Join('\n', lines.Take(count)) + "\n[...]";
    }

    private static string Indent(string text) => "    " + text.Replace("\n", "\n    ", StringComparison.Ordinal);
}
