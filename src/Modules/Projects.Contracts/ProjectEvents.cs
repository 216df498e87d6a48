using Orbit.Shared.Events;

namespace Orbit.Modules.Projects.Contracts;

public sealed record ProjectCreated(Guid EventId, DateTimeOffset OccurredAt, Guid ActorId, Guid ProjectId, string Key, string Name, string? Description)
    : IIntegrationEvent
{
    public Guid AggregateId => ProjectId;

    public static string EventType => "project.created";

    public static int EventVersion => 1;
}

/// <summary>Name and/or description changed; <paramref name="Changes"/> holds each changed field's before and after.</summary>
public sealed record ProjectUpdated(Guid EventId, DateTimeOffset OccurredAt, Guid ActorId, Guid ProjectId, IReadOnlyDictionary<string, FieldChange> Changes)
    : IIntegrationEvent
{
    public Guid AggregateId => ProjectId;

    public static string EventType => "project.updated";

    public static int EventVersion => 1;
}

public sealed record ProjectArchived(Guid EventId, DateTimeOffset OccurredAt, Guid ActorId, Guid ProjectId) : IIntegrationEvent
{
    public Guid AggregateId => ProjectId;

    public static string EventType => "project.archived";

    public static int EventVersion => 1;
}

public sealed record ProjectRestored(Guid EventId, DateTimeOffset OccurredAt, Guid ActorId, Guid ProjectId) : IIntegrationEvent
{
    public Guid AggregateId => ProjectId;

    public static string EventType => "project.restored";

    public static int EventVersion => 1;
}

public sealed record MemberAdded(Guid EventId, DateTimeOffset OccurredAt, Guid ActorId, Guid ProjectId, Guid UserId, ProjectRole Role) : IIntegrationEvent
{
    public Guid AggregateId => ProjectId;

    public static string EventType => "member.added";

    public static int EventVersion => 1;
}

public sealed record MemberRoleChanged(Guid EventId, DateTimeOffset OccurredAt, Guid ActorId, Guid ProjectId, Guid UserId, ProjectRole OldRole, ProjectRole NewRole)
    : IIntegrationEvent
{
    public Guid AggregateId => ProjectId;

    public static string EventType => "member.role_changed";

    public static int EventVersion => 1;
}

public sealed record MemberRemoved(Guid EventId, DateTimeOffset OccurredAt, Guid ActorId, Guid ProjectId, Guid UserId, ProjectRole Role) : IIntegrationEvent
{
    public Guid AggregateId => ProjectId;

    public static string EventType => "member.removed";

    public static int EventVersion => 1;
}
