using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Web;

/// <summary>
/// The browser journeys in src/Web/e2e (playwright-core driving Debian Chromium), one test per file, against the
/// real host on Kestrel on a free loopback port with a fresh database: no mocks between the browser and PostgreSQL.
/// Screenshots go to TestResults/screenshots at the repository root.
/// </summary>
[NonParallelizable]
public sealed class BrowserJourneyTests
{
    private static readonly string[] ChromiumCandidates = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"];
    private static readonly string JourneyDirectory = Path.Combine(RepositoryLayout.WebDirectory, "e2e");
    private static readonly string Screenshots = Path.Combine(RepositoryLayout.TestResults, "screenshots");

    private OrbitApi _host = null!;
    private Uri _baseAddress = null!;

    public static IEnumerable<TestCaseData> Journeys()
    {
        var files = Directory.Exists(JourneyDirectory)
            ? Directory.GetFiles(JourneyDirectory, "*.e2e.ts").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()
            : [];
        if (files.Count == 0)
        {
            // An empty source would quietly run nothing; the journeys are part of what the suite proves.
            yield return new TestCaseData("(none)").SetArgDisplayNames("no journeys found in src/Web/e2e");
            yield break;
        }

        foreach (var file in files)
        {
            yield return new TestCaseData(file).SetArgDisplayNames(file!);
        }
    }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // This run's screenshots only: a stale picture of a screen that no longer looks like that misleads.
        if (Directory.Exists(Screenshots))
        {
            Directory.Delete(Screenshots, recursive: true);
        }

        Directory.CreateDirectory(Screenshots);
        _host = new OrbitApi(await TestPostgres.CreateDatabaseAsync("journeys"));
        _host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _host.StartServer();
        var address = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _baseAddress = new Uri(address);
        using var http = new HttpClient { BaseAddress = _baseAddress };
        using var live = await http.GetAsync(new Uri("/health/live", UriKind.Relative));
        await Expect.Status(live, HttpStatusCode.OK);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [TestCaseSource(nameof(Journeys))]
    public async Task The_browser_journey_passes_against_the_real_host(string journey)
    {
        if (journey == "(none)")
        {
            Assert.Fail($"No browser journeys (*.e2e.ts) in {JourneyDirectory}.");
        }

        var chromium = ChromiumPath();

        await WebAppNpm.AssertVitestPassesAsync("e2e", [$"e2e/{journey}"], TimeSpan.FromMinutes(6), new Dictionary<string, string?>
        {
            ["ORBIT_BASE_URL"] = _baseAddress.ToString().TrimEnd('/'),
            ["CHROMIUM_PATH"] = chromium,
            ["ORBIT_ADMIN_EMAIL"] = OrbitApi.AdminEmail,
            ["ORBIT_ADMIN_PASSWORD"] = OrbitApi.AdminPassword,
            ["ORBIT_SCREENSHOTS"] = Screenshots,
        });
    }

    private static string ChromiumPath()
    {
        var configured = Environment.GetEnvironmentVariable("CHROMIUM_PATH");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? configured : Fail($"CHROMIUM_PATH is {configured}, which does not exist.");
        }

        // Not a skip: the journeys are part of the suite. CI (.ci/run) installs the Debian package.
        return ChromiumCandidates.FirstOrDefault(File.Exists) ?? Fail(
            $"No Chromium for the browser journeys: none of {string.Join(", ", ChromiumCandidates)} exists. Install it " +
            "(apt-get install chromium-headless-shell, as .ci/run does) or set CHROMIUM_PATH.");
    }

    private static string Fail(string message)
    {
        Assert.Fail(message);
        return "";
    }
}
