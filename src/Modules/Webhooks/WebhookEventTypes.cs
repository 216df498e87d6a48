using System.Reflection;
using Orbit.Shared.Events;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// The events a project's webhook can subscribe to: every integration event that belongs to one project, which is
/// exactly the event types <see cref="WebhookEventSubscriber"/> has a typed handler for (one list, no second one to
/// drift). Events about no project (<c>user.registered</c>) are not offered: a project's maintainers must not learn of
/// them. A test fails when Projects or Tasks publish an event type missing here.
/// </summary>
internal static class WebhookEventTypes
{
    /// <summary>The filter that matches every event type of the project.</summary>
    public const string All = "*";

    public static IReadOnlyList<string> Names { get; } = [.. HandledBy(typeof(WebhookEventSubscriber)).Order(StringComparer.Ordinal)];

    /// <summary>What a webhook's <c>events</c> may hold: "*" or any of <see cref="Names"/>.</summary>
    public static IReadOnlyList<string> Filters { get; } = [All, .. Names];

    private static readonly HashSet<string> Known = new(Names, StringComparer.Ordinal);

    public static bool IsKnown(string eventType) => Known.Contains(eventType);

    /// <summary>The event types a consumer class declares typed handlers for.</summary>
    public static IEnumerable<string> HandledBy(Type consumer) => consumer.GetInterfaces()
        .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IIntegrationEventHandler<>))
        .Select(i => (string)i.GetGenericArguments()[0].GetProperty(nameof(IIntegrationEvent.EventType), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!);
}
