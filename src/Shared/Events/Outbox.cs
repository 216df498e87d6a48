using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orbit.Shared.Data;

namespace Orbit.Shared.Events;

/// <summary>
/// Writes integration events into the publishing module's <c>&lt;schema&gt;.outbox_messages</c> through the request's
/// session, so they commit or roll back with the change that raised them. No event is published by hand after commit:
/// only the relays are woken then (<see cref="NotifyAfterCommitAsync"/>), and they read the committed rows.
/// </summary>
public sealed class Outbox(IDbSession session, IUnitOfWork unitOfWork, ILogger<Outbox> logger)
{
    /// <summary>
    /// Notified (with the publisher's schema) once the inserting transaction has committed, so every host's relay
    /// wakes when there is something to dispatch, and never for a change that rolled back.
    /// </summary>
    public const string OutboxChannel = "orbit_outbox";

    // The schemas written to since the last notification for them: one NOTIFY per schema and transaction.
    private readonly HashSet<string> _toNotify = new(StringComparer.Ordinal);

    public async Task EnqueueAsync<TEvent>(string schema, TEvent integrationEvent, CancellationToken cancellationToken = default)
        where TEvent : IIntegrationEvent
    {
        var connection = await session.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql(schema), OutboxMessage.Of(integrationEvent), cancellationToken: cancellationToken));
        await NotifyAfterCommitAsync(schema);
    }

    /// <summary>
    /// For a statement that writes its event itself (into <c>&lt;schema&gt;.outbox_messages</c>, with
    /// <see cref="OutboxMessage"/>'s values) because part of the event is only known inside that statement: wakes the
    /// relays once the transaction commits, as <see cref="EnqueueAsync{TEvent}(string, TEvent, CancellationToken)"/> does.
    /// </summary>
    public Task NotifyAfterCommitAsync(string schema)
    {
        _toNotify.Add(schema);

        // After the commit, in a statement of its own, never inside the writing transaction: PostgreSQL serialises the
        // commits of every transaction that notified (a cluster-wide lock held until the commit is flushed), and a
        // create holds its project's counter row for all of its commit. The first action to run for a schema notifies
        // for all of that transaction's events. A host that dies (or loses the database) before notifying leaves the
        // message to the relays' poll, so a failure here fails nothing: the change has committed.
        return unitOfWork.AfterCommitAsync(async () =>
        {
            if (!_toNotify.Remove(schema))
            {
                return;
            }

            try
            {
                var connection = await session.OpenAsync(CancellationToken.None);
                await connection.ExecuteAsync(new CommandDefinition(NotifySql(schema), cancellationToken: CancellationToken.None));
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning(exception, "Could not wake the outbox relays for {Schema}; their poll will find the message", schema);
            }
        });
    }

    /// <summary>For work outside a request scope (start-up jobs) that runs its own transaction on <paramref name="connection"/>.</summary>
    public static async Task EnqueueAsync<TEvent>(NpgsqlConnection connection, string schema, TEvent integrationEvent, CancellationToken cancellationToken = default)
        where TEvent : IIntegrationEvent =>
        // Rare enough that notifying inside the transaction costs nothing worth a second round trip.
        await connection.ExecuteAsync(new CommandDefinition(
            InsertSql(schema) + ";\n" + NotifySql(schema), OutboxMessage.Of(integrationEvent), cancellationToken: cancellationToken));

    // The schema is a module's compile-time constant, never user input.
    private static string InsertSql(string schema) => $"""
        insert into "{schema}".outbox_messages (id, type, version, aggregate_id, payload, occurred_at, trace_parent)
        values (@Id, @Type, @Version, @AggregateId, cast(@Payload as jsonb), @OccurredAt, @TraceParent)
        """;

    private static string NotifySql(string schema) => $"select pg_notify('{OutboxChannel}', '{schema}')";
}

/// <summary>An outbox row's values, as the parameters of the statement that inserts it.</summary>
public sealed record OutboxMessage(Guid Id, string Type, int Version, Guid AggregateId, string Payload, DateTimeOffset OccurredAt, string? TraceParent)
{
    public static OutboxMessage Of<TEvent>(TEvent integrationEvent)
        where TEvent : IIntegrationEvent =>
        new(
            integrationEvent.EventId,
            TEvent.EventType,
            TEvent.EventVersion,
            integrationEvent.AggregateId,
            JsonSerializer.Serialize(integrationEvent, IntegrationEventJson.Options),
            integrationEvent.OccurredAt,
            // Lets the relay link its spans back to the request that caused the event.
            Activity.Current?.Id);

    /// <summary>The name <paramref name="property"/> has in a payload (to set it from SQL, as <c>jsonb_set</c> does).</summary>
    public static string PayloadName(string property) =>
        IntegrationEventJson.Options.PropertyNamingPolicy?.ConvertName(property) ?? property;
}
