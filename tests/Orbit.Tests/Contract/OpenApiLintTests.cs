using System.Diagnostics;

namespace Orbit.Tests.Contract;

/// <summary>
/// The checked-in contract passes Spectral (spectral:oas + OWASP) and Redocly (recommended) with zero errors. The
/// tools are pinned in docs/openapi/package.json and its lock; disabled rules are listed with reasons in
/// docs/openapi/.spectral.yaml and redocly.yaml. The snapshot test keeps the linted file equal to the live document.
/// </summary>
[NonParallelizable]
public sealed class OpenApiLintTests
{
    private static string? _npm;

    [OneTimeSetUp]
    public async Task InstallTheLintersAsync()
    {
        _npm = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "npm")).FirstOrDefault(File.Exists);
        if (_npm is null)
        {
            return;
        }

        if (!Directory.Exists(Path.Combine(ContractFiles.OpenApiFolder, "node_modules")))
        {
            var (exit, output) = await RunAsync("ci --no-audit --no-fund");
            Assert.That(exit, Is.Zero, $"npm ci in docs/openapi failed:\n{output}");
        }
    }

    [Test]
    public async Task The_contract_passes_spectral_with_the_owasp_rules() => await LintAsync("run lint:spectral");

    [Test]
    public async Task The_contract_passes_redocly_recommended() => await LintAsync("run lint:redocly");

    private static async Task LintAsync(string script)
    {
        if (_npm is null)
        {
            Assert.Ignore("npm is not installed (Debian: apt-get install nodejs npm), so the OpenAPI linters cannot run.");
        }

        var (exit, output) = await RunAsync(script);
        Assert.That(exit, Is.Zero, $"npm {script} reported errors in docs/openapi/v1.json:\n{output}");
    }

    private static async Task<(int Exit, string Output)> RunAsync(string arguments)
    {
        var start = new ProcessStartInfo(_npm!, arguments)
        {
            WorkingDirectory = ContractFiles.OpenApiFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var output = (await stdout) + (await stderr);
        // Errors only: thousands of lines of warnings would hide them.
        var errors = string.Join("\n", output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(60));
        return (process.ExitCode, errors.Length > 0 ? errors : output[^Math.Min(output.Length, 3000)..]);
    }
}
