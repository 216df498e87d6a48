using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orbit.Modules.Notifications.InApp;
using Orbit.Modules.Notifications.Webhooks;

namespace Orbit.Tests.Notifications;

/// <summary>The pure parts of notifications and webhooks, checked without a host.</summary>
public sealed class WebhookBuildingBlockTests
{
    private static readonly Guid Ada = Guid.CreateVersion7();
    private static readonly Guid AdaLovelace = Guid.CreateVersion7();
    private static readonly Guid Bob = Guid.CreateVersion7();

    private static readonly MentionCandidate[] People = [new(Ada, "Ada"), new(AdaLovelace, "Ada Lovelace"), new(Bob, "bob")];

    [TestCase("@Ada Lovelace, please look", "AdaLovelace")]
    [TestCase("@ada lovelace", "AdaLovelace")]
    [TestCase("@Ada Lovelaces", "Ada")]
    [TestCase("@Ada, @BOB!", "Ada,Bob")]
    [TestCase("(@bob)", "Bob")]
    [TestCase("mail ada@example.com or @bobby", "")]
    [TestCase("no mentions here", "")]
    [TestCase("@", "")]
    public void Mentions_match_whole_display_names_longest_first(string text, string expected)
    {
        var names = new Dictionary<Guid, string> { [Ada] = "Ada", [AdaLovelace] = "AdaLovelace", [Bob] = "Bob" };
        var found = Mentions.Find(text, People).Select(id => names[id]);
        Assert.That(found, Is.EquivalentTo(expected.Split(',', StringSplitOptions.RemoveEmptyEntries)));
    }

    [TestCase("127.0.0.1", "loopback")]
    [TestCase("10.1.2.3", "private")]
    [TestCase("172.16.0.1", "private")]
    [TestCase("172.31.255.255", "private")]
    [TestCase("192.168.1.1", "private")]
    [TestCase("100.64.0.1", "shared (carrier-grade NAT)")]
    [TestCase("169.254.169.254", "link-local")]
    [TestCase("0.0.0.0", "unspecified")]
    [TestCase("224.0.0.1", "multicast")]
    [TestCase("255.255.255.255", "reserved")]
    [TestCase("::1", "loopback")]
    [TestCase("::", "unspecified")]
    [TestCase("fd00::1", "private (unique local)")]
    [TestCase("fe80::1", "link-local")]
    [TestCase("ff02::1", "multicast")]
    [TestCase("::ffff:127.0.0.1", "loopback")]
    [TestCase("64:ff9b::a00:1", "private")]
    [TestCase("93.184.216.34", null)]
    [TestCase("172.32.0.1", null)]
    [TestCase("2606:4700::1111", null)]
    public void Internal_addresses_are_refused_and_public_ones_are_not(string address, string? kind) =>
        Assert.That(NetworkGuard.RefusalOf(IPAddress.Parse(address)), Is.EqualTo(kind));

    [TestCase("http://127.0.0.1:9/hook", "loopback")]
    [TestCase("http://0x7f000001:9/hook", "loopback")]
    [TestCase("http://2130706433:9/hook", "loopback")]
    [TestCase("http://[::1]:9/hook", "loopback")]
    [TestCase("http://[::ffff:10.0.0.1]:9/hook", "private")]
    [TestCase("http://localhost:9/hook", "loopback")]
    [TestCase("https://169.254.169.254/latest/meta-data", "link-local")]
    public async Task The_sender_refuses_internal_targets_however_they_are_spelled(string url, string kind)
    {
        await using var services = new ServiceCollection().AddWebhookHttpClient().BuildServiceProvider();
        var sender = new WebhookSender(services.GetRequiredService<IHttpClientFactory>(), Options.Create(new WebhookOptions()), TimeProvider.System);

        var outcome = await sender.SendAsync(new WebhookMessage(Guid.CreateVersion7(), "task.created", DateTime.UtcNow, "{}", new Uri(url), WebhookSecrets.Generate()), CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.False);
        Assert.That(outcome.StatusCode, Is.Null);
        Assert.That(outcome.Error, Does.StartWith("Refused:").And.Contain($"a {kind} address"));
    }

    [Test]
    public void Retries_back_off_exponentially_with_jitter_up_to_the_cap_and_last_about_a_day_by_default()
    {
        var options = new WebhookOptions();
        var random = new Random(42);
        var delays = Enumerable.Range(1, options.MaxAttempts - 1).Select(attempt => RetrySchedule.DelayAfter(attempt, options, random)).ToList();

        Assert.That(delays[0], Is.InRange(TimeSpan.FromSeconds(24), TimeSpan.FromSeconds(36)));
        Assert.That(delays[1], Is.InRange(TimeSpan.FromSeconds(96), TimeSpan.FromSeconds(144)));
        Assert.That(delays, Has.All.LessThanOrEqualTo(options.MaxRetryDelay * 1.2));
        var total = delays.Aggregate(TimeSpan.Zero, (sum, d) => sum + d);
        Assert.That(total, Is.InRange(TimeSpan.FromHours(18), TimeSpan.FromHours(30)));
        Assert.That(new WebhookOptionsValidator().Validate(null, options).Succeeded, Is.True);
    }

    [Test]
    public void Bad_webhook_settings_are_named()
    {
        var options = new WebhookOptions { RetryBaseDelay = TimeSpan.Zero, MaxAttempts = 0, SecretEncryptionKey = "short" };
        var result = new WebhookOptionsValidator().Validate(null, options);
        Assert.That(result.FailureMessage, Does.Contain("Webhooks:RetryBaseDelay").And.Contain("Webhooks:MaxAttempts").And.Contain("Webhooks:SecretEncryptionKey"));
    }

    [Test]
    public void A_stored_secret_is_encrypted_bound_to_its_webhook_and_readable_back()
    {
        var key = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray());
        var secrets = new WebhookSecrets(Options.Create(new WebhookOptions { SecretEncryptionKey = key }));
        var secret = WebhookSecrets.Generate();
        var webhookId = Guid.CreateVersion7();

        var stored = secrets.Protect(secret, webhookId);

        Assert.That(stored, Does.Not.Contain(secret[6..]));
        Assert.That(secrets.Unprotect(stored, webhookId), Is.EqualTo(secret));
        Assert.That(() => secrets.Unprotect(stored, Guid.CreateVersion7()), Throws.InstanceOf<System.Security.Cryptography.CryptographicException>());
        var withoutKey = new WebhookSecrets(Options.Create(new WebhookOptions()));
        Assert.That(withoutKey.Unprotect(withoutKey.Protect(secret, webhookId), webhookId), Is.EqualTo(secret));
    }
}
