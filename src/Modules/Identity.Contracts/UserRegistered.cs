using Orbit.Shared.Events;

namespace Orbit.Modules.Identity.Contracts;

/// <summary>A person registered (or was bootstrapped as the first admin).</summary>
public sealed record UserRegistered(Guid EventId, DateTimeOffset OccurredAt, Guid UserId, string Email, string DisplayName)
    : IIntegrationEvent
{
    public Guid AggregateId => UserId;

    public static string EventType => "user.registered";

    public static int EventVersion => 1;
}
