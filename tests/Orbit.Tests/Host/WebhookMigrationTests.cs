using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orbit.Host.Composition;
using Orbit.Modules.Notifications;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Modules.Webhooks;
using Orbit.Shared.Data.Migrations;
using Orbit.Shared.Events;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Notifications;

namespace Orbit.Tests.Host;

/// <summary>
/// Webhooks moved from the notifications schema to its own (ADR 0012, db/migrations/webhooks/0400). A database that ran
/// only the scripts from before the split (every module but Webhooks: Notifications still ships its 0001 unchanged) is
/// filled as that version would have left it, then migrated forward by a host start.
/// </summary>
public sealed class WebhookMigrationTests
{
    // OrbitApi's Webhooks:SecretEncryptionKey: the host started below must read the secret stored before the move.
    private const string SecretKey = "dGVzdHMtb25seS13ZWJob29rLXNlY3JldC1rZXktMzI=";

    private static IReadOnlyList<ModuleMigrations> BeforeTheSplit() =>
        OrbitModules.All.Where(m => m is not WebhooksModule).Select(ModuleMigrations.Of).ToList();

    [Test]
    public void Webhooks_migrates_after_Notifications_whose_webhook_tables_it_empties()
    {
        var order = OrbitModules.All.Select(m => m.GetType()).ToList();
        Assert.That(order.IndexOf(typeof(WebhooksModule)), Is.GreaterThan(order.IndexOf(typeof(NotificationsModule))));
    }

    [Test]
    public async Task A_fresh_database_keeps_webhooks_only_in_the_webhooks_schema()
    {
        var database = await TestPostgres.CreateDatabaseAsync("webhooks-fresh");

        await new DatabaseMigrator(database, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(OrbitModules.All.Select(ModuleMigrations.Of));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<string?>(database, "select to_regclass('notifications.webhooks')::text"), Is.Null);
            Assert.That(await ScalarAsync<string?>(database, "select to_regclass('notifications.webhook_deliveries')::text"), Is.Null);
            Assert.That(await ScalarAsync<string?>(database, "select to_regclass('webhooks.webhook_attempts')::text"), Is.EqualTo("webhooks.webhook_attempts"));
            Assert.That(await ScalarAsync<string?>(database, "select to_regclass('webhooks.inbox')::text"), Is.EqualTo("webhooks.inbox"));
        });
    }

    [Test]
    public async Task Webhooks_secrets_deliveries_and_the_consumers_progress_survive_the_move_to_their_own_schema()
    {
        var database = await TestPostgres.CreateDatabaseAsync("webhooks-split");
        await new DatabaseMigrator(database, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(BeforeTheSplit());
        await using var receiver = await WebhookReceiver.StartAsync();

        var projectId = Guid.NewGuid();
        var webhookId = Guid.CreateVersion7();
        var secrets = new WebhookSecrets(Options.Create(new WebhookOptions { SecretEncryptionKey = SecretKey }));
        var secret = WebhookSecrets.Generate();
        var storedSecret = secrets.Protect(secret, webhookId);
        var succeeded = Guid.CreateVersion7();
        var failed = Guid.CreateVersion7();
        // Two task events of the project the relay had handed to the "webhooks" consumer: the first it had handled
        // (its inbox says so) and is handed again, as a replay would; the second it had not handled yet.
        var handled = TaskCreatedEvent(projectId, "SPL-1");
        var pending = TaskCreatedEvent(projectId, "SPL-2");
        await ExecuteAsync(database, """
            insert into notifications.webhooks (id, project_id, url, events, secret, created_by, created_at, failing_since)
            values (@WebhookId, @ProjectId, @Url, array['*'], @Secret, @ProjectId, now() - interval '1 hour', now() - interval '1 minute');

            insert into notifications.webhook_deliveries
                (id, webhook_id, event_id, event_type, occurred_at, payload, status, attempts, max_attempts, next_attempt_at,
                 last_status_code, last_duration_ms, last_error, created_at, delivered_at)
            values
                (@Succeeded, @WebhookId, gen_random_uuid(), 'task.updated', now(), '{"a":1}', 'succeeded', 2, 5, null, 204, 12, null, now(), now()),
                (@Failed, @WebhookId, gen_random_uuid(), 'task.deleted', now(), '{"b":2}', 'failed', 5, 5, null, 500, 40, 'HTTP 500', now(), null);

            insert into notifications.webhook_attempts (delivery_id, attempt, at, status_code, duration_ms, error)
            values (@Succeeded, 1, now(), 500, 10, 'HTTP 500'), (@Succeeded, 2, now(), 204, 12, null), (@Failed, 1, now(), 500, 40, 'HTTP 500');

            insert into notifications.inbox (message_id, consumer) values (@Handled, 'webhooks'), (@Handled, 'notifications');

            insert into tasks.outbox_messages (id, type, version, payload, occurred_at, aggregate_id, dispatched_at)
            values (@Handled, 'task.created', 1, cast(@HandledPayload as jsonb), now(), @HandledTask, now()),
                   (@Pending, 'task.created', 1, cast(@PendingPayload as jsonb), now(), @PendingTask, now());

            insert into tasks.outbox_deliveries (consumer, message_id, seq, aggregate_id)
            select 'webhooks', id, seq, aggregate_id from tasks.outbox_messages where id in (@Handled, @Pending);
            """, new Dictionary<string, object>
        {
            ["WebhookId"] = webhookId, ["ProjectId"] = projectId, ["Url"] = receiver.Url, ["Secret"] = storedSecret,
            ["Succeeded"] = succeeded, ["Failed"] = failed,
            ["Handled"] = handled.EventId, ["HandledPayload"] = Json(handled), ["HandledTask"] = handled.TaskId,
            ["Pending"] = pending.EventId, ["PendingPayload"] = Json(pending), ["PendingTask"] = pending.TaskId,
        });

        await using var api = new OrbitApi(database);
        await api.StartAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<string?>(database, "select to_regclass('notifications.webhooks')::text"), Is.Null, "the old tables are gone");
            Assert.That(await ScalarAsync<string>(database, $"select secret from webhooks.webhooks where id = '{webhookId}'"), Is.EqualTo(storedSecret),
                "the secret moved as stored: encrypted, naming its key");
            // (Not failing_since: the host may already have sent the pending event, and a success clears it.)
            Assert.That(await ScalarAsync<long>(database, $"select count(*) from webhooks.webhooks where id = '{webhookId}' and project_id = '{projectId}' and events = array['*'] and created_at < now() - interval '50 minutes'"), Is.EqualTo(1));
            Assert.That(await ScalarAsync<string>(database, $"select string_agg(id::text || ':' || status || ':' || attempts, ',' order by status desc) from webhooks.webhook_deliveries where id in ('{succeeded}', '{failed}')"),
                Is.EqualTo($"{succeeded}:succeeded:2,{failed}:failed:5"));
            Assert.That(await ScalarAsync<long>(database, $"select count(*) from webhooks.webhook_attempts where delivery_id in ('{succeeded}', '{failed}')"), Is.EqualTo(3));
            Assert.That(await ScalarAsync<long>(database, $"select count(*) from webhooks.inbox where consumer = 'webhooks' and message_id = '{handled.EventId}'"), Is.EqualTo(1));
            Assert.That(await ScalarAsync<long>(database, "select count(*) from notifications.inbox where consumer = 'webhooks'"), Is.Zero);
            Assert.That(await ScalarAsync<long>(database, "select count(*) from notifications.inbox where consumer = 'notifications'"), Is.EqualTo(1),
                "Notifications' own inbox rows stay");
        });

        // The consumer kept its name, so its pending delivery is still its own: the event it had not handled reaches the
        // receiver once, and the one it had handled is skipped by the inbox that moved with it.
        await Eventually.True(
            async () => await ScalarAsync<long>(database, "select count(*) from tasks.outbox_deliveries where consumer = 'webhooks'") == 0
                && receiver.Accepted.Count >= 1,
            "the webhooks consumer to handle what it had left and the receiver to get it");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(receiver.Received.Select(r => r.Id), Is.EqualTo(new[] { pending.EventId.ToString() }));
            Assert.That(WebhookReceiver.HasValidSignature(receiver.Received[0], secret), Is.True, "signed with the secret stored before the move");
            Assert.That(await ScalarAsync<long>(database, $"select count(*) from webhooks.webhook_deliveries where event_id = '{handled.EventId}'"), Is.Zero);
        });
    }

    private static TaskCreated TaskCreatedEvent(Guid projectId, string key) => new(
        Guid.CreateVersion7(), DateTimeOffset.UtcNow, projectId, projectId, Guid.CreateVersion7(), key, "Moved " + key,
        WorkStatus.Todo, WorkPriority.Medium, null, [], null, null);

    private static string Json(TaskCreated created) => JsonSerializer.Serialize(created, IntegrationEventJson.Options);

    private static async Task ExecuteAsync(string connectionString, string sql, IReadOnlyDictionary<string, object> parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
