using System.Text.Json;

namespace Orbit.Shared.Events;

/// <summary>
/// A module's consumer of integration events. The outbox relay calls <see cref="HandleAsync"/> in a fresh DI scope,
/// inside a transaction it opened on that scope's <c>IDbSession</c>, after recording the message in the consumer's
/// inbox (<c>&lt;Schema&gt;.inbox</c>) in the same transaction: the handler's writes and the "handled" mark commit
/// together, so a redelivered message is skipped and never has a second effect. Register it as a scoped
/// <see cref="IIntegrationEventSubscriber"/>.
/// </summary>
public interface IIntegrationEventSubscriber
{
    /// <summary>Stable consumer name, unique in the system (<c>audit</c>, <c>notifications</c>).</summary>
    string Consumer { get; }

    /// <summary>The consumer module's schema, which holds its <c>inbox</c> table.</summary>
    string Schema { get; }

    /// <summary>Whether this consumer wants messages of this type at all; others are not delivered to it.</summary>
    bool Accepts(string eventType);

    /// <summary>
    /// Handles one message. Throwing rolls the transaction back and schedules a retry with backoff; after the
    /// relay's attempt limit (or at once for an <see cref="UnsupportedEventVersionException"/>) the message is parked
    /// as dead for an operator to inspect and replay.
    /// </summary>
    Task HandleAsync(IntegrationMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// A subscriber that takes a whole batch in one call (Audit appends a batch of rows in one statement). The relay hands it
/// the batch's messages that its inbox had not seen, in sequence order per publisher, in the same transaction as their
/// inbox rows. Throwing fails the batch; the relay then delivers the messages one per transaction (through this
/// method, a batch of one) to find the one that fails.
/// </summary>
public interface IIntegrationEventBatchSubscriber : IIntegrationEventSubscriber
{
    Task HandleBatchAsync(IReadOnlyList<IntegrationMessage> messages, CancellationToken cancellationToken);
}

/// <summary>An outbox message as delivered: the publisher's envelope and the event's JSON payload.</summary>
/// <param name="Publisher">The publishing module's schema (<c>tasks</c>).</param>
/// <param name="Sequence">The message's position in its publisher's outbox (commit order per aggregate).</param>
public sealed record IntegrationMessage(
    Guid Id,
    string Publisher,
    long Sequence,
    string Type,
    int Version,
    Guid AggregateId,
    DateTimeOffset OccurredAt,
    string? TraceParent,
    JsonElement Payload)
{
    /// <summary>The payload as <typeparamref name="TEvent"/>; a type or version this code does not know throws.</summary>
    public TEvent Read<TEvent>()
        where TEvent : IIntegrationEvent
    {
        if (Type != TEvent.EventType || Version != TEvent.EventVersion)
        {
            throw new UnsupportedEventVersionException(Type, Version, TEvent.EventType, TEvent.EventVersion);
        }

        return Payload.Deserialize<TEvent>(IntegrationEventJson.Options)
            ?? throw new UnsupportedEventVersionException(Type, Version, TEvent.EventType, TEvent.EventVersion);
    }
}

/// <summary>A consumer met an event type or version it was not written for: retrying cannot help, so it is parked.</summary>
public sealed class UnsupportedEventVersionException(string type, int version, string expectedType, int expectedVersion)
    : Exception($"Cannot read {type} v{version} as {expectedType} v{expectedVersion}.");
