using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Orbit.Host.Http;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Host;

/// <summary>
/// Issue 11: /metrics (and health) can be moved to a management port that the public listener does not serve.
/// Real Kestrel on two loopback ports: the split is by the port a connection arrived on.
/// </summary>
public sealed class ManagementPortTests
{
    private OrbitApi _api = null!;
    private HttpClient _public = null!;
    private HttpClient _management = null!;
    private int _managementPort;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _managementPort = FreePort();
        _api = new OrbitApi(TestPostgres.SharedDatabase, new Dictionary<string, string?>
        {
            ["Management:Port"] = _managementPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        _api.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, _managementPort);
        });
        _api.StartServer();
        var addresses = _api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        _public = new HttpClient { BaseAddress = addresses.Single(a => a.Port != _managementPort) };
        _management = new HttpClient { BaseAddress = addresses.Single(a => a.Port == _managementPort) };
        using var live = await _management.GetAsync(new Uri("/health/live", UriKind.Relative));
        await Expect.Status(live, HttpStatusCode.OK);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _public.Dispose();
        _management.Dispose();
        await _api.DisposeAsync();
    }

    [TestCase("/metrics")]
    [TestCase("/health/live")]
    [TestCase("/health/ready")]
    public async Task Management_paths_answer_on_the_management_port_and_404_on_the_public_one(string path)
    {
        using var onManagement = await _management.GetAsync(new Uri(path, UriKind.Relative));
        using var onPublic = await _public.GetAsync(new Uri(path, UriKind.Relative));

        await Expect.Status(onManagement, HttpStatusCode.OK);
        await Expect.Problem(onPublic, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_host_header_naming_the_management_port_does_not_open_metrics_on_the_public_port()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Host = $"localhost:{_managementPort}";

        using var response = await _public.SendAsync(request);

        await Expect.Problem(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task The_api_answers_on_the_public_port_only()
    {
        using var onPublic = await _public.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var onManagement = await _management.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));

        await Expect.Status(onPublic, HttpStatusCode.OK);
        await Expect.Problem(onManagement, HttpStatusCode.NotFound);
    }

    [Test]
    public void The_management_port_is_added_to_the_addresses_kestrel_would_use_anyway()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ManagementPort.UrlsWith("http://+:8080", null, 9090), Is.EqualTo(new[] { "http://+:8080", "http://*:9090" }));
            Assert.That(ManagementPort.UrlsWith(null, "8080;8081", 9090), Is.EqualTo(new[] { "http://*:8080", "http://*:8081", "http://*:9090" }));
            Assert.That(ManagementPort.UrlsWith("", "", 9090), Is.EqualTo(new[] { "http://localhost:5000", "http://*:9090" }));
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Issue 11: /metrics showed the connection string as the Npgsql pool's name.</summary>
public sealed class MetricsExposureTests
{
    [Test]
    public async Task Npgsql_metrics_name_the_pool_orbit_and_show_no_connection_details()
    {
        using var client = TestPostgres.Api.CreateClient();
        using (await client.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
        }

        var metrics = await Eventually.Get(
            () => client.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            text => text.Contains("db_client_connection_pool_name", StringComparison.Ordinal),
            "Npgsql's pool metrics in /metrics");

        Assert.That(metrics, Does.Contain("db_client_connection_pool_name=\"orbit\""));
        // Npgsql's default name is the connection string without its password ("Host=...;Database=...;Username=...").
        // The metrics are process-wide and the tests' own connections have unnamed pools; Orbit's connection strings
        // are the ones ending in Application Name=orbit, and none of them may label a series.
        Assert.That(metrics, Does.Not.Contain("Application Name=orbit"));
    }
}
