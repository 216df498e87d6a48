using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Modules;

namespace Orbit.Shared.Data;

public sealed class HousekeepingOptions
{
    public const string Section = "Housekeeping";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Housekeeping:Interval must be between 1 minute and 1 day.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long delivered outbox messages are kept (for inspection) before they are deleted.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00", ErrorMessage = "Housekeeping:OutboxRetention must be between 1 hour and 365 days.")]
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long subscribers remember handled message ids. Must outlast any redelivery: a message is only redelivered
    /// while it is undelivered or when an operator replays a dead one, which stays in the outbox until then.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00", ErrorMessage = "Housekeeping:InboxRetention must be between 1 hour and 365 days.")]
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>
/// Deletes what the infrastructure tables no longer need, in every module schema that has them: delivered outbox
/// messages (never pending or dead ones), old inbox entries, and idempotency keys past their 24 hours. Deletes go in
/// bounded batches so no statement holds locks for long. Several hosts may run it; the deletes are idempotent.
/// </summary>
public sealed class Housekeeping(
    NpgsqlDataSource dataSource,
    IEnumerable<IModule> modules,
    IOptions<HousekeepingOptions> options,
    TimeProvider clock,
    ILogger<Housekeeping> logger) : BackgroundService
{
    private const int BatchSize = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.Interval, clock, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(exception, "Housekeeping round failed; trying again next interval");
            }
        }
    }

    /// <returns>Rows deleted, by table (and <c>&lt;schema&gt;.outbox_messages marked</c>: messages the sweep marked).</returns>
    public async Task<IReadOnlyDictionary<string, long>> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var deleted = new Dictionary<string, long>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        // The tables are the ones Shared's plumbing gives a module for what it declares, never found by looking around
        // the database: a publisher's outbox, a consumer's inbox, the idempotency keys of a module that keeps them.
        foreach (var module in modules.OrderBy(m => m.Schema, StringComparer.Ordinal))
        {
            var schema = module.Schema;
            if (module.PublishesEvents)
            {
                // Backstop for a consumer's host that died between its commit and its mark (OutboxCompletion).
                deleted[$"{schema}.outbox_messages marked"] = await OutboxCompletion.SweepAsync(connection, schema, now, cancellationToken);

                // Every consumer that wanted it has it, long enough ago, and no delivery of it is left (a replay of a
                // dead one would re-create none: dead messages are never processed).
                await DeleteAsync(connection, schema, "outbox_messages", $"""
                    processed_at < @Before
                    and not exists (select 1 from "{schema}".outbox_deliveries d where d.message_id = "{schema}".outbox_messages.id)
                    """, now - options.Value.OutboxRetention, deleted, cancellationToken);
            }

            if (module.ConsumesEvents)
            {
                await DeleteAsync(connection, schema, "inbox", "handled_at < @Before", now - options.Value.InboxRetention, deleted, cancellationToken);
            }

            if (module.KeepsIdempotencyKeys)
            {
                await DeleteAsync(connection, schema, "idempotency_keys", "created_at < @Before", now - Idempotency.Retention, deleted, cancellationToken);
            }
        }

        return deleted;
    }

    private async Task DeleteAsync(
        NpgsqlConnection connection, string schema, string table, string condition, DateTime before, Dictionary<string, long> deleted, CancellationToken cancellationToken)
    {
        // Schema and table are compile-time names (a module's schema constant, Shared's table names), never input.
        var sql = $"""
            delete from "{schema}"."{table}"
            where ctid in (select ctid from "{schema}"."{table}" where {condition} limit {BatchSize})
            """;
        long total = 0;
        int batch;
        do
        {
            batch = await connection.ExecuteAsync(new CommandDefinition(sql, new { Before = before }, cancellationToken: cancellationToken));
            total += batch;
        }
        while (batch == BatchSize);

        deleted[$"{schema}.{table}"] = total;
        if (total > 0)
        {
            logger.LogInformation("Housekeeping deleted {Count} row(s) from {Schema}.{Table}", total, schema, table);
        }
    }
}
