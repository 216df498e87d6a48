using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orbit.Shared.Data;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Operations;

public sealed class HousekeepingTests
{
    [Test]
    public async Task Dispatched_messages_a_consumer_host_left_unmarked_are_marked_processed_or_dead()
    {
        var database = await TestPostgres.CreateDatabaseAsync("housekeeping");
        await using var api = new OrbitApi(database, new Dictionary<string, string?> { ["Outbox:Enabled"] = "false" });
        await api.StartAsync();
        Guid handled = Guid.CreateVersion7(), parked = Guid.CreateVersion7(), inFlight = Guid.CreateVersion7();
        await using var connection = new NpgsqlConnection(database);
        // As if the consumers' hosts died between their commits and their marks.
        await connection.ExecuteAsync("""
            insert into tasks.outbox_messages (id, type, version, aggregate_id, payload, occurred_at, dispatched_at) values
                (@handled,  'task.created', 1, @handled,  '{}', now(), now()),
                (@parked,   'task.created', 1, @parked,   '{}', now(), now()),
                (@inFlight, 'task.created', 1, @inFlight, '{}', now(), now());
            insert into tasks.outbox_deliveries (consumer, message_id, seq, aggregate_id, dead_at)
            select 'audit', id, seq, aggregate_id, case when id = @parked then now() end from tasks.outbox_messages where id in (@parked, @inFlight);
            """, new { handled, parked, inFlight });

        var result = await api.Services.GetRequiredService<Housekeeping>().RunOnceAsync();

        Assert.That(result["tasks.outbox_messages marked"], Is.EqualTo(2));
        var states = (await connection.QueryAsync<(Guid Id, bool Processed, bool Dead)>(
            "select id, processed_at is not null, dead_at is not null from tasks.outbox_messages where id in (@handled, @parked, @inFlight)",
            new { handled, parked, inFlight })).ToDictionary(s => s.Id);
        Assert.Multiple(() =>
        {
            Assert.That(states[handled], Is.EqualTo((handled, true, false)), "no delivery left: processed");
            Assert.That(states[parked], Is.EqualTo((parked, false, true)), "only a dead delivery left: dead");
            Assert.That(states[inFlight], Is.EqualTo((inFlight, false, false)), "a live delivery left: still in flight");
        });
    }

    [Test]
    public async Task Old_delivered_messages_inbox_entries_and_expired_idempotency_keys_go_while_pending_and_dead_ones_stay()
    {
        var database = await TestPostgres.CreateDatabaseAsync("housekeeping");
        await using var api = new OrbitApi(database, new Dictionary<string, string?> { ["Outbox:Enabled"] = "false" });
        await api.StartAsync();
        Guid oldDelivered = Guid.CreateVersion7(), recentDelivered = Guid.CreateVersion7(), oldPending = Guid.CreateVersion7(), oldDead = Guid.CreateVersion7();
        var user = Guid.CreateVersion7();
        await using var connection = new NpgsqlConnection(database);
        await connection.ExecuteAsync("""
            insert into tasks.outbox_messages (id, type, version, aggregate_id, payload, occurred_at, processed_at, dead_at) values
                (@oldDelivered,   'task.created', 1, @oldDelivered,   '{}', now() - interval '40 days', now() - interval '40 days', null),
                (@recentDelivered,'task.created', 1, @recentDelivered,'{}', now() - interval '1 day',   now() - interval '1 day',   null),
                (@oldPending,     'task.created', 1, @oldPending,     '{}', now() - interval '40 days', null,                       null),
                (@oldDead,        'task.created', 1, @oldDead,        '{}', now() - interval '40 days', null,                       now() - interval '39 days');
            insert into audit.inbox (message_id, consumer, handled_at) values (@oldDelivered, 'audit', now() - interval '40 days'), (@recentDelivered, 'audit', now());
            insert into tasks.idempotency_keys (user_id, key, request_hash, created_at) values (@user, 'old', '\x00', now() - interval '2 days'), (@user, 'new', '\x00', now());
            """, new { oldDelivered, recentDelivered, oldPending, oldDead, user });

        var deleted = await api.Services.GetRequiredService<Housekeeping>().RunOnceAsync();

        Assert.Multiple(() =>
        {
            Assert.That(deleted["tasks.outbox_messages"], Is.EqualTo(1));
            Assert.That(deleted["audit.inbox"], Is.EqualTo(1));
            Assert.That(deleted["tasks.idempotency_keys"], Is.EqualTo(1));
        });
        var outbox = (await connection.QueryAsync<Guid>("select id from tasks.outbox_messages")).ToList();
        Assert.That(outbox, Is.EquivalentTo(new[] { recentDelivered, oldPending, oldDead }), "undelivered and dead messages are never deleted");
        Assert.That(await connection.ExecuteScalarAsync<string>("select string_agg(key, ',') from tasks.idempotency_keys"), Is.EqualTo("new"));
    }
}
