using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orbit.Modules.Webhooks;

namespace Orbit.Tests.Notifications;

/// <summary>The pure parts of webhooks, checked without a host.</summary>
public sealed class WebhookBuildingBlockTests
{
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

    // Every IPv6 form that carries an IPv4 address is judged by that IPv4 address (issue 11).
    [TestCase("::127.0.0.1", "loopback", TestName = "IPv4-compatible ::a.b.c.d, loopback")]
    [TestCase("::10.0.0.1", "private", TestName = "IPv4-compatible ::a.b.c.d, private")]
    [TestCase("::169.254.169.254", "link-local", TestName = "IPv4-compatible ::a.b.c.d, link-local")]
    [TestCase("::ffff:127.0.0.1", "loopback", TestName = "IPv4-mapped ::ffff:a.b.c.d, loopback")]
    [TestCase("::ffff:192.168.0.1", "private", TestName = "IPv4-mapped ::ffff:a.b.c.d, private")]
    [TestCase("::ffff:0:127.0.0.1", "loopback", TestName = "IPv4-translated ::ffff:0:a.b.c.d, loopback")]
    [TestCase("::ffff:0:10.1.2.3", "private", TestName = "IPv4-translated ::ffff:0:a.b.c.d, private")]
    [TestCase("2002:7f00:1::1", "loopback", TestName = "6to4 2002:7f00:1::/48 (127.0.0.1), loopback")]
    [TestCase("2002:c0a8:101::1", "private", TestName = "6to4 2002:c0a8:101::/48 (192.168.1.1), private")]
    [TestCase("2002:a9fe:a9fe::", "link-local", TestName = "6to4 2002:a9fe:a9fe::/48 (169.254.169.254), link-local")]
    [TestCase("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback", TestName = "Teredo, client 127.0.0.1 (inverted last 32 bits), loopback")]
    [TestCase("2001:0:4136:e378:8000:63bf:f5ff:fffe", "private", TestName = "Teredo, client 10.0.0.1 (inverted last 32 bits), private")]
    [TestCase("2001:0:a00:1:8000:63bf:a3b1:a3fd", "private", TestName = "Teredo, server 10.0.0.1, private")]
    [TestCase("64:ff9b::127.0.0.1", "loopback", TestName = "NAT64 64:ff9b::/96, loopback")]
    [TestCase("64:ff9b::a00:1", "private", TestName = "NAT64 64:ff9b::/96, private")]
    [TestCase("64:ff9b:1::5db8:d822", "local-use NAT64", TestName = "local-use NAT64 64:ff9b:1::/48, whatever it embeds")]
    [TestCase("::93.184.216.34", null, TestName = "IPv4-compatible, public")]
    [TestCase("::ffff:93.184.216.34", null, TestName = "IPv4-mapped, public")]
    [TestCase("::ffff:0:93.184.216.34", null, TestName = "IPv4-translated, public")]
    [TestCase("2002:5db8:d822::1", null, TestName = "6to4 of 93.184.216.34, public")]
    [TestCase("2001:0:4136:e378:8000:63bf:a247:27dd", null, TestName = "Teredo, client 93.184.216.34, public")]
    [TestCase("64:ff9b::93.184.216.34", null, TestName = "NAT64 of 93.184.216.34, public")]
    public void IPv6_addresses_embedding_an_IPv4_address_are_judged_by_it(string address, string? kind) =>
        Assert.That(NetworkGuard.RefusalOf(IPAddress.Parse(address)), Is.EqualTo(kind));

    [TestCase("http://127.0.0.1:9/hook", "loopback")]
    [TestCase("http://0x7f000001:9/hook", "loopback")]
    [TestCase("http://2130706433:9/hook", "loopback")]
    [TestCase("http://[::1]:9/hook", "loopback")]
    [TestCase("http://[::ffff:10.0.0.1]:9/hook", "private")]
    [TestCase("http://[::127.0.0.1]:9/hook", "loopback")]
    [TestCase("http://[::ffff:0:127.0.0.1]:9/hook", "loopback")]
    [TestCase("http://[2002:7f00:1::1]:9/hook", "loopback")]
    [TestCase("http://localhost:9/hook", "loopback")]
    [TestCase("https://169.254.169.254/latest/meta-data", "link-local")]
    public async Task The_sender_refuses_internal_targets_however_they_are_spelled_without_saying_where_they_pointed(string url, string kind)
    {
        await using var services = new ServiceCollection().AddWebhookHttpClient().BuildServiceProvider();
        var options = Options.Create(new WebhookOptions());
        var destinations = new WebhookDestinationGuard(new DnsWebhookHostResolver(), options, NullLogger<WebhookDestinationGuard>.Instance);
        var sender = new WebhookSender(services.GetRequiredService<IHttpClientFactory>(), destinations, options, TimeProvider.System);

        var outcome = await sender.SendAsync(new WebhookMessage(Guid.CreateVersion7(), "task.created", DateTime.UtcNow, "{}", new Uri(url), WebhookSecrets.Generate()), CancellationToken.None);

        Assert.That(outcome.Succeeded, Is.False);
        Assert.That(outcome.StatusCode, Is.Null);
        Assert.That(outcome.Error, Is.EqualTo(WebhookDestinationGuard.NotAllowed), $"a {kind} address, but the error does not say which");
        Assert.That(outcome.Error, Does.Not.Contain("127.0.0").And.Not.Contain("10.0.0").And.Not.Contain("169.254").And.Not.Contain($"a {kind} address"));
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

    private static string Key(byte seed) => Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i + seed)).ToArray());

    [TestCase("Production")]
    [TestCase("Staging")]
    public void Outside_development_a_secret_encryption_key_is_required_and_named(string environment)
    {
        var validator = new WebhookOptionsValidator(new HostingEnvironment { EnvironmentName = environment });

        var result = validator.Validate(null, new WebhookOptions());

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Webhooks:SecretEncryptionKeys").And.Contain("Webhooks:ActiveSecretKeyId"));
        Assert.That(validator.Validate(null, new WebhookOptions { SecretEncryptionKeys = { ["k1"] = Key(1) } }).Succeeded, Is.True);
        Assert.That(validator.Validate(null, new WebhookOptions { SecretEncryptionKey = Key(1) }).Succeeded, Is.True, "the single key of earlier versions still counts");
    }

    [TestCase("Development")]
    [TestCase("Testing")]
    public void In_development_and_tests_no_key_is_needed(string environment) =>
        Assert.That(new WebhookOptionsValidator(new HostingEnvironment { EnvironmentName = environment }).Validate(null, new WebhookOptions()).Succeeded, Is.True);

    [Test]
    public void Key_ring_settings_that_cannot_work_are_named()
    {
        var validator = new WebhookOptionsValidator(new HostingEnvironment { EnvironmentName = "Production" });
        Assert.Multiple(() =>
        {
            Assert.That(validator.Validate(null, new WebhookOptions { SecretEncryptionKeys = { ["k1"] = Key(1), ["k2"] = Key(2) } }).FailureMessage,
                Does.Contain("Webhooks:ActiveSecretKeyId"), "two keys and none active");
            Assert.That(validator.Validate(null, new WebhookOptions { SecretEncryptionKeys = { ["k1"] = Key(1) }, ActiveSecretKeyId = "k2" }).FailureMessage,
                Does.Contain("Webhooks:ActiveSecretKeyId 'k2' names no key"));
            Assert.That(validator.Validate(null, new WebhookOptions { SecretEncryptionKeys = { ["k1"] = "short" } }).FailureMessage,
                Does.Contain("Webhooks:SecretEncryptionKeys:k1"));
            Assert.That(validator.Validate(null, new WebhookOptions { SecretEncryptionKeys = { ["bad id!"] = Key(1) } }).FailureMessage,
                Does.Contain("key id"));
            Assert.That(validator.Validate(null, new WebhookOptions { SecretEncryptionKeys = { ["k1"] = Key(1), ["k2"] = Key(2) }, ActiveSecretKeyId = "k2" }).Succeeded,
                Is.True);
        });
    }

    [Test]
    public void A_secret_encrypted_with_an_older_key_stays_readable_while_that_key_is_configured_and_new_ones_use_the_active_key()
    {
        var secret = WebhookSecrets.Generate();
        var webhookId = Guid.CreateVersion7();
        var before = new WebhookSecrets(Options.Create(new WebhookOptions { SecretEncryptionKeys = { ["2026a"] = Key(1) } }));
        var storedBefore = before.Protect(secret, webhookId);
        var legacy = new WebhookSecrets(Options.Create(new WebhookOptions { SecretEncryptionKey = Key(3) }));
        var unkeyed = "v1." + legacy.Protect(secret, webhookId).Split('.', 3)[2]; // as versions before key ids wrote it

        var rotated = new WebhookSecrets(Options.Create(new WebhookOptions
        {
            SecretEncryptionKeys = { ["2026a"] = Key(1), ["2026b"] = Key(2), ["old"] = Key(3) },
            ActiveSecretKeyId = "2026b",
        }));
        var storedAfter = rotated.Protect(secret, webhookId);
        var withoutOldKey = new WebhookSecrets(Options.Create(new WebhookOptions { SecretEncryptionKeys = { ["2026b"] = Key(2) } }));

        Assert.Multiple(() =>
        {
            Assert.That(storedBefore, Does.StartWith("v2.2026a."));
            Assert.That(storedAfter, Does.StartWith("v2.2026b.").And.StartWith(rotated.CurrentPrefix));
            Assert.That(rotated.Unprotect(storedBefore, webhookId), Is.EqualTo(secret));
            Assert.That(rotated.Unprotect(unkeyed, webhookId), Is.EqualTo(secret), "v1 rows: whichever key opens them");
            Assert.That(rotated.Unprotect(storedAfter, webhookId), Is.EqualTo(secret));
            Assert.That(withoutOldKey.Unprotect(storedAfter, webhookId), Is.EqualTo(secret));
            Assert.That(() => withoutOldKey.Unprotect(storedBefore, webhookId),
                Throws.InstanceOf<System.Security.Cryptography.CryptographicException>().With.Message.Contains("'2026a'"));
            Assert.That(new WebhookSecrets(Options.Create(new WebhookOptions())).CurrentPrefix, Is.EqualTo("plain."));
        });
    }
}
