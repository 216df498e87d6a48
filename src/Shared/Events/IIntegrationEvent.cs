namespace Orbit.Shared.Events;

/// <summary>
/// A fact a module publishes to the others through its Contracts assembly. <see cref="EventType"/> and
/// <see cref="EventVersion"/> together name the payload's schema; a consumer that meets a version it does not know
/// must fail loudly rather than guess.
/// </summary>
public interface IIntegrationEvent
{
    Guid EventId { get; }

    DateTimeOffset OccurredAt { get; }

    /// <summary>
    /// The thing the event is about (a task, a project, a user). Events of one aggregate are delivered in the order
    /// they were committed; events of different aggregates need not wait for each other.
    /// </summary>
    Guid AggregateId { get; }

    static abstract string EventType { get; }

    static abstract int EventVersion { get; }
}
