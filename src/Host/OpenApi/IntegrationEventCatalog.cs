using System.Reflection;
using Orbit.Shared.Events;
using Orbit.Shared.Modules;

namespace Orbit.Host.OpenApi;

/// <summary>One integration event record as the contract describes it.</summary>
/// <param name="IsProjectEvent">The payload names a project (<c>projectId</c>): it appears in that project's change feed and webhooks.</param>
internal sealed record IntegrationEventContract(Type Type, string EventType, int EventVersion, bool IsProjectEvent)
{
    /// <summary>The payload's schema component (<c>TaskCreated</c>).</summary>
    public string PayloadSchema => Type.Name;

    /// <summary>The <c>{type, data}</c> schema component (<c>TaskCreatedEvent</c>).</summary>
    public string EventSchema => Type.Name + "Event";
}

/// <summary>
/// Every integration event the modules can publish, found by reflection over the modules' assemblies and the Orbit
/// assemblies they reference (their own and other modules' Contracts): the event records are the source of truth, so
/// an event added to a Contracts project is in the OpenAPI document without anyone listing it.
/// </summary>
internal static class IntegrationEventCatalog
{
    public static IReadOnlyList<IntegrationEventContract> Discover(IEnumerable<IModule> modules)
    {
        var events = OrbitAssemblies(modules)
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IIntegrationEvent).IsAssignableFrom(t))
            .Distinct()
            .Select(Describe)
            .OrderBy(e => e.EventType, StringComparer.Ordinal)
            .ToList();

        var duplicate = events.GroupBy(e => e.EventType).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Event type {duplicate.Key} is declared by {string.Join(" and ", duplicate.Select(e => e.Type.FullName))}.");
        }

        return events;
    }

    /// <summary>The modules' assemblies and every Orbit assembly they reference.</summary>
    public static IReadOnlyList<Assembly> OrbitAssemblies(IEnumerable<IModule> modules)
    {
        var moduleAssemblies = modules.Select(m => m.GetType().Assembly).Distinct().ToList();
        var referenced = moduleAssemblies
            .SelectMany(a => a.GetReferencedAssemblies())
            .Where(name => name.Name?.StartsWith("Orbit.", StringComparison.Ordinal) == true)
            .Select(Assembly.Load);
        return [.. moduleAssemblies.Concat(referenced).Distinct().OrderBy(a => a.FullName, StringComparer.Ordinal)];
    }

    private static IntegrationEventContract Describe(Type type)
    {
        var (name, version) = ((string, int))typeof(IntegrationEventCatalog)
            .GetMethod(nameof(NameOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type)
            .Invoke(null, null)!;
        var projectId = type.GetProperty("ProjectId", BindingFlags.Public | BindingFlags.Instance);
        return new IntegrationEventContract(type, name, version, projectId?.PropertyType == typeof(Guid));
    }

    private static (string, int) NameOf<TEvent>()
        where TEvent : IIntegrationEvent => (TEvent.EventType, TEvent.EventVersion);
}
