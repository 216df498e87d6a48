using Npgsql;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;
using static Orbit.Tests.Notifications.NotificationApi;

namespace Orbit.Tests.Notifications;

/// <summary>
/// Webhook signing secrets at rest: encrypted once a key exists, moved to the active key at start-up (rotation), and a
/// key required to start outside Development. Hosts one after the other over one database of their own, as a
/// deployment restarted with new settings.
/// </summary>
public sealed class WebhookSecretKeyTests
{
    private const string KeyA = "a2V5LWEta2V5LWEta2V5LWEta2V5LWEta2V5LWEtMzI=";
    private const string KeyB = "a2V5LWIta2V5LWIta2V5LWIta2V5LWIta2V5LWItMzI=";

    [Test]
    public async Task Plain_text_secrets_are_encrypted_once_a_key_exists_and_re_encrypted_when_the_active_key_changes_and_still_sign_the_same()
    {
        var database = await TestPostgres.CreateDatabaseAsync("secrets");
        await using var receiver = await WebhookReceiver.StartAsync();
        string owner;
        Guid projectId;
        RegisteredWebhookBody plain, underA;

        // No key (Testing allows it): stored in plain text.
        await using (var noKey = new OrbitApi(database, Keys()))
        {
            await noKey.StartAsync();
            var team = await ProjectScenarios.CreateTeamAsync(noKey);
            owner = (await team.UserFor("owner").SignInAsync()).AccessToken;
            projectId = team.Project.Id;
            plain = await RegisterWebhookAsync(team.ClientFor("owner"), projectId, receiver.Url, "task.created");
            Assert.That(await StoredSecretAsync(database, plain.Id), Does.StartWith("plain."));
        }

        // Key "a": the plain row is encrypted at start-up; new rows are encrypted with it.
        await using (var withA = new OrbitApi(database, Keys(("a", KeyA))))
        {
            await withA.StartAsync();
            await Eventually.Get(() => StoredSecretAsync(database, plain.Id), s => s.StartsWith("v2.a.", StringComparison.Ordinal), "the plain secret to be encrypted with key a");
            underA = await RegisterWebhookAsync(withA.CreateClient(owner), projectId, receiver.Url, "task.created");
            Assert.That(await StoredSecretAsync(database, underA.Id), Does.StartWith("v2.a."));
        }

        // Keys "a" and "b", "b" active: both rows move to b at start-up, and deliveries are signed with the same secrets.
        await using var withB = new OrbitApi(database, Keys([("a", KeyA), ("b", KeyB)], active: "b"));
        await withB.StartAsync();
        foreach (var webhook in new[] { plain, underA })
        {
            var stored = await Eventually.Get(() => StoredSecretAsync(database, webhook.Id), s => s.StartsWith("v2.b.", StringComparison.Ordinal), "the secret to be re-encrypted with key b");
            Assert.That(stored, Does.Not.Contain(webhook.Secret["whsec_".Length..]));
        }

        await TaskApi.CreateAsync(withB.CreateClient(owner), projectId, new { title = "Signed" });

        var received = await Eventually.Get(() => Task.FromResult(receiver.Accepted), r => r.Count == 2, "both webhooks to be delivered");
        Assert.That(received.Count(r => WebhookReceiver.HasValidSignature(r, plain.Secret)), Is.EqualTo(1));
        Assert.That(received.Count(r => WebhookReceiver.HasValidSignature(r, underA.Secret)), Is.EqualTo(1));
    }

    [Test]
    public void Production_without_a_secret_key_does_not_start_and_names_the_setting()
    {
        var api = new OrbitApi(TestPostgres.SharedDatabase, new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["Webhooks:SecretEncryptionKey"] = "",
        });

        var failure = Assert.CatchAsync(api.StartAsync);

        Assert.That(failure!.ToString(), Does.Contain("Webhooks:SecretEncryptionKeys"));
        api.Dispose();
    }

    /// <summary>Settings with exactly these keys (the suite's default single key removed).</summary>
    private static Dictionary<string, string?> Keys(params (string Id, string Key)[] keys) => Keys(keys, null);

    private static Dictionary<string, string?> Keys((string Id, string Key)[] keys, string? active)
    {
        var settings = new Dictionary<string, string?> { ["Webhooks:SecretEncryptionKey"] = "" };
        foreach (var (id, key) in keys)
        {
            settings[$"Webhooks:SecretEncryptionKeys:{id}"] = key;
        }

        if (active is not null)
        {
            settings["Webhooks:ActiveSecretKeyId"] = active;
        }

        return settings;
    }

    private static async Task<string> StoredSecretAsync(string database, Guid webhookId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select secret from webhooks.webhooks where id = @Id", connection);
        command.Parameters.AddWithValue("Id", webhookId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
