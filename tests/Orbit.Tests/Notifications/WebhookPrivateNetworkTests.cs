using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;
using static Orbit.Tests.Notifications.NotificationApi;

namespace Orbit.Tests.Notifications;

/// <summary>
/// A host as production runs it, with Webhooks:AllowPrivateNetworks off, over a database of its own (a second
/// dispatcher on the shared database would refuse the other tests' loopback receivers). It also gives up on a
/// webhook after a quarter of a second of failures instead of a day.
/// </summary>
public sealed class WebhookPrivateNetworkTests
{
    private OrbitApi _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _api = new OrbitApi(await TestPostgres.CreateDatabaseAsync("webhooks"), new Dictionary<string, string?>
        {
            ["Webhooks:AllowPrivateNetworks"] = "false",
            ["Webhooks:MaxAttempts"] = "10",
            ["Webhooks:DisableAfter"] = "00:00:00.250",
        });
        await _api.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _api.DisposeAsync();

    [TestCase("127.0.0.1", "loopback")]
    [TestCase("localhost", "loopback")]
    public async Task A_webhook_to_a_loopback_address_is_refused_at_send_time_and_disabled_after_failing_long_enough(string host, string kind)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = await ProjectScenarios.CreateTeamAsync(_api);
        var maintainer = team.ClientFor("maintainer");
        var url = receiver.Url.Replace("127.0.0.1", host, StringComparison.Ordinal);
        var webhook = await RegisterWebhookAsync(maintainer, team.Project.Id, url, "task.created");

        await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Internal" });

        var refused = await Eventually.Get(() => GetWebhookAsync(maintainer, webhook.Id), w => w.DisabledAt is not null, "the webhook to be disabled");
        var delivery = (await DeliveriesAsync(maintainer, webhook.Id)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(receiver.Received, Is.Empty, "nothing reached the receiver");
            Assert.That(refused.FailingSince, Is.Not.Null);
            Assert.That(delivery.Attempts, Has.Length.GreaterThanOrEqualTo(2), "it failed more than once before being disabled");
            Assert.That(delivery.Attempts, Has.All.Matches<AttemptBody>(a => a.StatusCode is null && a.Error!.Contains($"is a {kind} address", StringComparison.Ordinal)));
            Assert.That(delivery.Attempts[0].Error, Does.Contain("Webhooks:AllowPrivateNetworks"));
            Assert.That(delivery.Status, Is.EqualTo("failed"), "a disabled webhook's pending deliveries are given up");
            Assert.That(delivery.LastError, Does.Contain("disabled"));
        });
    }
}
