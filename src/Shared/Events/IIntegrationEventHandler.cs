using System.Collections.Frozen;
using System.Reflection;

namespace Orbit.Shared.Events;

/// <summary>Handles one event type, read through its contract (type and version checked before the call).</summary>
public interface IIntegrationEventHandler<in TEvent>
    where TEvent : IIntegrationEvent
{
    Task HandleAsync(TEvent integrationEvent, IntegrationMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// The handler of a consumer that wants every event there is, a batch at a time (Audit keeps a record of everything). Its
/// <see cref="IntegrationEventConsumer"/> accepts every type, including types this code does not know: it reads each
/// message through its own map from contract type to what it records, and a test compares that map with the event
/// catalogue, so a module cannot publish a type it has no line for. A message it cannot read must fail loudly
/// (<see cref="UnsupportedEventVersionException"/>), which parks it for this consumer alone.
/// </summary>
public interface IEveryIntegrationEventHandler : IIntegrationEventBatchSubscriber;

/// <summary>
/// A consumer that wants exactly the event types it has typed handlers for: it implements
/// <see cref="IIntegrationEventHandler{TEvent}"/> once per type, and the relay's <see cref="Accepts"/> and dispatch
/// follow from those declarations, found by type once per consumer class. No string switches: a type the consumer has
/// no handler for is never delivered to it, and a known type in an unknown version is parked (the contract's
/// <see cref="IntegrationMessage.Read{TEvent}"/> refuses it).
/// </summary>
public abstract class IntegrationEventConsumer : IIntegrationEventSubscriber
{
    private static readonly MethodInfo DispatchMethod = typeof(IntegrationEventConsumer).GetMethod(nameof(DispatchAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly FrozenDictionary<string, Func<IntegrationEventConsumer, IntegrationMessage, CancellationToken, Task>> _handlers;

    protected IntegrationEventConsumer() => _handlers = HandlersOf(GetType());

    public abstract string Consumer { get; }

    public abstract string Schema { get; }

    /// <summary>The event types this consumer has handlers for.</summary>
    public IEnumerable<string> EventTypes => _handlers.Keys;

    /// <summary>Whether this consumer is an <see cref="IEveryIntegrationEventHandler"/>.</summary>
    public bool WantsEveryEvent => this is IEveryIntegrationEventHandler;

    public bool Accepts(string eventType) => WantsEveryEvent || _handlers.ContainsKey(eventType);

    public Task HandleAsync(IntegrationMessage message, CancellationToken cancellationToken) =>
        this is IEveryIntegrationEventHandler every ? every.HandleBatchAsync([message], cancellationToken)
        : _handlers.TryGetValue(message.Type, out var handle)
            ? handle(this, message, cancellationToken)
            : throw new UnsupportedEventVersionException(message.Type, message.Version, $"an event {Consumer} handles", 0);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, FrozenDictionary<string, Func<IntegrationEventConsumer, IntegrationMessage, CancellationToken, Task>>> Cache = new();

    private static FrozenDictionary<string, Func<IntegrationEventConsumer, IntegrationMessage, CancellationToken, Task>> HandlersOf(Type consumer) =>
        Cache.GetOrAdd(consumer, type => type.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IIntegrationEventHandler<>))
            .Select(i => i.GetGenericArguments()[0])
            .ToFrozenDictionary(
                e => (string)e.GetProperty(nameof(IIntegrationEvent.EventType), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!,
                e => DispatchMethod.MakeGenericMethod(e).CreateDelegate<Func<IntegrationEventConsumer, IntegrationMessage, CancellationToken, Task>>(),
                StringComparer.Ordinal));

    private static Task DispatchAsync<TEvent>(IntegrationEventConsumer consumer, IntegrationMessage message, CancellationToken cancellationToken)
        where TEvent : IIntegrationEvent =>
        ((IIntegrationEventHandler<TEvent>)consumer).HandleAsync(message.Read<TEvent>(), message, cancellationToken);
}
