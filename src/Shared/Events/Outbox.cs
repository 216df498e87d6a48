using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;
using Orbit.Shared.Data;

namespace Orbit.Shared.Events;

/// <summary>
/// Writes integration events into the publishing module's <c>&lt;schema&gt;.outbox_messages</c> through the request's
/// session, so they commit or roll back with the change that raised them. Nothing is published by hand after commit.
/// </summary>
public sealed class Outbox(IDbSession session)
{
    /// <summary>
    /// Notified (with the publisher's schema) in the inserting transaction, so PostgreSQL wakes the relay exactly
    /// when the change commits, and never for one that rolls back.
    /// </summary>
    public const string OutboxChannel = "orbit_outbox";

    public async Task EnqueueAsync<TEvent>(string schema, TEvent integrationEvent, CancellationToken cancellationToken = default)
        where TEvent : IIntegrationEvent =>
        await EnqueueAsync(await session.OpenAsync(cancellationToken), schema, integrationEvent, cancellationToken);

    /// <summary>For work outside a request scope (start-up jobs) that runs its own transaction on <paramref name="connection"/>.</summary>
    public static async Task EnqueueAsync<TEvent>(NpgsqlConnection connection, string schema, TEvent integrationEvent, CancellationToken cancellationToken = default)
        where TEvent : IIntegrationEvent
    {
        // The schema is a module's compile-time constant, never user input.
        var sql = $"""
            insert into "{schema}".outbox_messages (id, type, version, aggregate_id, payload, occurred_at, trace_parent)
            values (@Id, @Type, @Version, @AggregateId, cast(@Payload as jsonb), @OccurredAt, @TraceParent);
            select pg_notify('{OutboxChannel}', '{schema}');
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            Id = integrationEvent.EventId,
            Type = TEvent.EventType,
            Version = TEvent.EventVersion,
            integrationEvent.AggregateId,
            Payload = JsonSerializer.Serialize(integrationEvent, IntegrationEventJson.Options),
            integrationEvent.OccurredAt,
            // Lets the relay link its spans back to the request that caused the event.
            TraceParent = Activity.Current?.Id,
        }, cancellationToken: cancellationToken));
    }
}
