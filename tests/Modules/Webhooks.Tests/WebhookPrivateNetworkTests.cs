using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orbit.Modules.Webhooks;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;
using static Orbit.Tests.Notifications.NotificationApi;

namespace Orbit.Tests.Notifications;

/// <summary>
/// A host as production runs it, with Webhooks:AllowPrivateNetworks off, over a database of its own (a second
/// dispatcher on the shared database would refuse the other tests' loopback receivers). It also gives up on a
/// webhook after a quarter of a second of failures instead of a day. Names ending in <c>.test</c> resolve through
/// <see cref="TestNames"/>, which a test can change between registration and delivery, as a rebinding DNS server would.
/// </summary>
public sealed class WebhookPrivateNetworkTests
{
    private readonly TestNames _names = new();
    private OrbitApi _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _api = new OrbitApi(await TestPostgres.CreateDatabaseAsync("webhooks"), new Dictionary<string, string?>
        {
            ["Webhooks:AllowPrivateNetworks"] = "false",
            ["Webhooks:MaxAttempts"] = "10",
            ["Webhooks:DisableAfter"] = "00:00:00.250",
        }, services => services.Replace(ServiceDescriptor.Singleton<IWebhookHostResolver>(_names)));
        await _api.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _api.DisposeAsync();

    [TestCase("http://127.0.0.1:9/hook")]
    [TestCase("http://localhost:9/hook")]
    [TestCase("http://10.0.0.1/hook")]
    [TestCase("http://169.254.169.254/latest/meta-data")]
    [TestCase("http://[::1]:9/hook")]
    [TestCase("http://[::127.0.0.1]:9/hook")]
    [TestCase("http://[::ffff:127.0.0.1]:9/hook")]
    [TestCase("http://[::ffff:0:127.0.0.1]:9/hook")]
    [TestCase("http://[2002:7f00:1::1]:9/hook")]
    [TestCase("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:9/hook")]
    [TestCase("http://[64:ff9b::a00:1]:9/hook")]
    [TestCase("http://internal.test/hook")]
    public async Task Registering_a_webhook_to_an_internal_address_is_refused_and_nothing_is_stored(string url)
    {
        _names.Set("internal.test", IPAddress.Parse("10.20.30.40"));
        var team = await ProjectScenarios.CreateTeamAsync(_api);
        var maintainer = team.ClientFor("maintainer");

        using var response = await maintainer.PostAsJsonAsync($"/api/v1/projects/{team.Project.Id}/webhooks", new { url, events = new[] { "*" } });

        var problem = await Expect.ValidationError(response, "url");
        Assert.That(problem.GetProperty("errors").GetProperty("url")[0].GetString(), Does.Contain("internal network").And.Not.Contain("10.20.30.40"));
        using var list = await maintainer.GetAsync(new Uri($"/api/v1/projects/{team.Project.Id}/webhooks", UriKind.Relative));
        await Expect.Status(list, HttpStatusCode.OK);
        Assert.That((await list.Content.ReadFromJsonAsync<PageOf<WebhookBody>>())!.Items, Is.Empty);
    }

    [Test]
    public async Task Changing_a_webhooks_url_to_an_internal_address_is_refused_and_the_url_stays()
    {
        _names.Set("public.test", IPAddress.Parse("93.184.216.34"));
        var team = await ProjectScenarios.CreateTeamAsync(_api);
        var maintainer = team.ClientFor("maintainer");
        var webhook = await RegisterWebhookAsync(maintainer, team.Project.Id, "https://public.test/hook", "task.created");

        using var response = await maintainer.PatchAsJsonAsync($"/api/v1/webhooks/{webhook.Id}", new { url = "http://[::ffff:0:127.0.0.1]/hook" });

        await Expect.ValidationError(response, "url");
        Assert.That((await GetWebhookAsync(maintainer, webhook.Id)).Url, Is.EqualTo("https://public.test/hook"));
    }

    [Test]
    public async Task A_name_that_does_not_resolve_at_registration_is_accepted_and_checked_again_at_send_time()
    {
        var team = await ProjectScenarios.CreateTeamAsync(_api);

        var webhook = await RegisterWebhookAsync(team.ClientFor("maintainer"), team.Project.Id, "https://not-yet.test/hook", "task.created");

        Assert.That(webhook.Url, Is.EqualTo("https://not-yet.test/hook"));
    }

    [Test]
    public async Task A_name_that_turns_internal_after_registration_is_refused_at_send_time_without_saying_where_it_pointed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var receiverUri = new Uri(receiver.Url);
        _names.Set("rebinding.test", IPAddress.Parse("93.184.216.34"));
        var team = await ProjectScenarios.CreateTeamAsync(_api);
        var maintainer = team.ClientFor("maintainer");
        var webhook = await RegisterWebhookAsync(maintainer, team.Project.Id, $"http://rebinding.test:{receiverUri.Port}/hook", "task.created");
        _names.Set("rebinding.test", IPAddress.Loopback);

        await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Internal" });

        var refused = await Eventually.Get(() => GetWebhookAsync(maintainer, webhook.Id), w => w.DisabledAt is not null, "the webhook to be disabled");
        var delivery = (await DeliveriesAsync(maintainer, webhook.Id)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(receiver.Received, Is.Empty, "nothing reached the receiver");
            Assert.That(refused.FailingSince, Is.Not.Null);
            Assert.That(delivery.Attempts, Has.Length.GreaterThanOrEqualTo(2), "it failed more than once before being disabled");
            Assert.That(delivery.Attempts, Has.All.Matches<AttemptBody>(a => a.StatusCode is null && a.Error == WebhookDestinationGuard.NotAllowed));
            Assert.That(delivery.Attempts.Select(a => a.Error), Has.None.Contain("127.0.0.1").And.None.Contain("is a loopback address"));
            Assert.That(delivery.Status, Is.EqualTo("failed"), "a disabled webhook's pending deliveries are given up");
            Assert.That(delivery.LastError, Does.Contain("disabled").And.Not.Contain("127.0.0.1"));
        });
    }

    public sealed record PageOf<T>(T[] Items, string? NextCursor);

    /// <summary>Answers for <c>*.test</c> names as the test says; any other name goes to the machine's resolver.</summary>
    private sealed class TestNames : IWebhookHostResolver
    {
        private readonly ConcurrentDictionary<string, IPAddress> _names = new(StringComparer.OrdinalIgnoreCase);

        public void Set(string name, IPAddress address) => _names[name] = address;

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            if (!host.EndsWith(".test", StringComparison.OrdinalIgnoreCase))
            {
                return Dns.GetHostAddressesAsync(host, cancellationToken);
            }

            return _names.TryGetValue(host, out var address)
                ? Task.FromResult<IPAddress[]>([address])
                : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
        }
    }
}
