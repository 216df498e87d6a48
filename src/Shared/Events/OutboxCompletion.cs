using Dapper;
using Npgsql;

namespace Orbit.Shared.Events;

/// <summary>
/// Where a message stands as a whole, on <c>outbox_messages</c>: <c>processed_at</c> once every consumer that wanted it
/// has handled it (no delivery row left; set at dispatch for a message nobody wants), <c>dead_at</c> once no consumer is
/// still working on it but one has given up (only dead delivery rows left). Neither set: still in flight. Readers outside
/// the relay (housekeeping, dashboards, the shared benchmark's drain check) need no join with the delivery rows.
/// <para>
/// Each consumer marks the messages of its batch <b>after</b> its transaction commits, in a statement of its own. Two
/// consumers finishing one message at the same moment cannot both miss the mark: each looks after its own commit, so the
/// later of the two looks when both deletions are visible. (Looking inside the transaction would let each see the
/// other's row not yet deleted, and neither would mark.) A host that dies between its commit and its mark leaves a
/// message unmarked; <see cref="SweepAsync"/> (at relay start and in housekeeping) marks those.
/// </para>
/// </summary>
internal static class OutboxCompletion
{
    private const int SweepBatch = 5_000;

    /// <summary>Marks those of <paramref name="ids"/> (per publisher) that no consumer is working on any more.</summary>
    public static async Task MarkAsync(NpgsqlConnection connection, IReadOnlyDictionary<string, Guid[]> ids, DateTime now, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        // One statement however many publishers the batch came from: a data-modifying CTE per publisher.
        var publishers = ids.Keys.ToList();
        var parts = publishers.Select((publisher, i) => $"""
            m{i} as ({Update(publisher, $"m.id = any(@Ids{i})")} returning 1)
            """);
        var sql = $"with {string.Join(",\n", parts)}\nselect {string.Join(" + ", publishers.Select((_, i) => $"(select count(*) from m{i})"))}";
        var parameters = new DynamicParameters(new { Now = now });
        for (var i = 0; i < publishers.Count; i++)
        {
            parameters.Add($"Ids{i}", ids[publishers[i]]);
        }

        await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Marks every dispatched message of <paramref name="publisher"/> that should be marked and is not (its consumer's
    /// host died between commit and mark), in bounded batches. Returns how many it marked.
    /// </summary>
    public static async Task<long> SweepAsync(NpgsqlConnection connection, string publisher, DateTime now, CancellationToken cancellationToken)
    {
        // No index serves "dispatched, not yet marked" (one would make every mark a non-HOT update); this runs at start
        // and with housekeeping, rarely enough for a scan.
        var sql = Update(publisher, $"""
            m.id in (
                select u.id from "{publisher}".outbox_messages u
                where u.dispatched_at is not null and u.processed_at is null and u.dead_at is null
                  and not exists (select 1 from "{publisher}".outbox_deliveries d where d.message_id = u.id and d.dead_at is null)
                limit {SweepBatch})
            """);
        long total = 0;
        int batch;
        do
        {
            batch = await connection.ExecuteAsync(new CommandDefinition(sql, new { Now = now }, cancellationToken: cancellationToken));
            total += batch;
        }
        while (batch == SweepBatch);

        return total;
    }

    // The publisher is a module's compile-time schema name, never input. Served by the primary key and
    // outbox_deliveries_message.
    private static string Update(string publisher, string which) => $"""
        update "{publisher}".outbox_messages m
        set processed_at = case when exists (select 1 from "{publisher}".outbox_deliveries d where d.message_id = m.id) then null else @Now end,
            dead_at = case when exists (select 1 from "{publisher}".outbox_deliveries d where d.message_id = m.id) then @Now end
        where {which}
          and m.dispatched_at is not null and m.processed_at is null and m.dead_at is null
          and not exists (select 1 from "{publisher}".outbox_deliveries d where d.message_id = m.id and d.dead_at is null)
        """;
}
