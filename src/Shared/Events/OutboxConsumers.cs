using Microsoft.Extensions.DependencyInjection;

namespace Orbit.Shared.Events;

/// <summary>A consumer as the relay sees it: its name (delivery rows, inbox rows), its inbox's schema, and what it wants.</summary>
public sealed record OutboxConsumer(string Name, string Schema, Func<string, bool> Accepts);

/// <summary>The registered <see cref="IIntegrationEventSubscriber"/>s, described once from a throwaway scope.</summary>
public static class OutboxConsumers
{
    /// <remarks><see cref="IIntegrationEventSubscriber.Accepts"/> is kept past the scope: it must depend on the type alone.</remarks>
    public static IReadOnlyList<OutboxConsumer> Describe(IServiceScopeFactory scopes)
    {
        using var scope = scopes.CreateScope();
        var consumers = scope.ServiceProvider.GetServices<IIntegrationEventSubscriber>()
            .Select(s => new OutboxConsumer(s.Consumer, s.Schema, s.Accepts))
            .ToList();
        var duplicate = consumers.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? consumers
            : throw new InvalidOperationException($"Two integration event subscribers are named '{duplicate.Key}'; consumer names must be unique.");
    }
}
