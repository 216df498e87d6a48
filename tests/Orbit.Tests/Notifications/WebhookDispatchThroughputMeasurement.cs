using System.Diagnostics;
using Dapper;
using Npgsql;
using Orbit.Tests.Infrastructure;
using static Orbit.Tests.Notifications.NotificationApi;

namespace Orbit.Tests.Notifications;

/// <summary>
/// Not a check (speed targets live in bench/): how many deliveries per second one dispatcher sends to a receiver on
/// loopback that answers at once. Run by name:
/// <c>dotnet test tests/Orbit.Tests --filter "FullyQualifiedName~WebhookDispatchThroughputMeasurement"</c>.
/// </summary>
[Explicit("A measurement, run by hand")]
public sealed class WebhookDispatchThroughputMeasurement
{
    [TestCase(2000)]
    public async Task Deliveries_per_second_of_one_dispatcher(int deliveries)
    {
        var database = await TestPostgres.CreateDatabaseAsync("webhook_throughput");
        await using var api = new OrbitApi(database);
        await api.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = await ProjectScenarios.CreateTeamAsync(api);
        var webhook = await RegisterWebhookAsync(team.ClientFor("maintainer"), team.Project.Id, receiver.Url, "*");

        await using var connection = new NpgsqlConnection(database);
        var watch = Stopwatch.StartNew();
        await connection.ExecuteAsync("""
            insert into webhooks.webhook_deliveries (id, webhook_id, event_id, event_type, occurred_at, payload, status, max_attempts, next_attempt_at, created_at)
            select gen_random_uuid(), @WebhookId, gen_random_uuid(), 'task.created', now(), '{"n":1}', 'pending', 5, now(), now()
            from generate_series(1, @Count)
            """, new { WebhookId = webhook.Id, Count = deliveries });
        await Eventually.True(
            async () => await connection.ExecuteScalarAsync<long>("select count(*) from webhooks.webhook_deliveries where status = 'succeeded'") == deliveries,
            "every delivery sent and recorded", TimeSpan.FromMinutes(5));
        watch.Stop();

        var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg")).Trim() : "n/a";
        await TestContext.Out.WriteLineAsync(
            $"{deliveries} deliveries sent and recorded in {watch.Elapsed.TotalSeconds:0.00} s: {deliveries / watch.Elapsed.TotalSeconds:0} per second (load average {load})");
        Assert.That(receiver.Accepted, Has.Count.GreaterThanOrEqualTo(deliveries));
    }
}
