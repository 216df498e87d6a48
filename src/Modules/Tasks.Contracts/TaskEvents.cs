using Orbit.Shared.Events;

namespace Orbit.Modules.Tasks.Contracts;

public sealed record TaskCreated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ActorId,
    Guid ProjectId,
    Guid TaskId,
    string Key,
    string Title,
    WorkStatus Status,
    WorkPriority Priority,
    Guid? AssigneeId,
    IReadOnlyList<string> Labels,
    DateOnly? DueDate,
    Guid? ParentId) : IIntegrationEvent
{
    public Guid AggregateId => TaskId;

    public static string EventType => "task.created";

    public static int EventVersion => 1;
}

/// <summary>Any change of a task's fields: each changed field (camelCase API name) with its value before and after.</summary>
public sealed record TaskUpdated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ActorId,
    Guid ProjectId,
    Guid TaskId,
    string Key,
    IReadOnlyDictionary<string, FieldChange> Changes) : IIntegrationEvent
{
    public Guid AggregateId => TaskId;

    public static string EventType => "task.updated";

    public static int EventVersion => 1;
}

/// <summary>The assignee changed (raised besides <see cref="TaskUpdated"/>); <c>AssigneeId</c> null means unassigned.</summary>
public sealed record TaskAssigned(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ActorId,
    Guid ProjectId,
    Guid TaskId,
    string Key,
    string Title,
    Guid? AssigneeId,
    Guid? PreviousAssigneeId) : IIntegrationEvent
{
    public Guid AggregateId => TaskId;

    public static string EventType => "task.assigned";

    public static int EventVersion => 1;
}

public sealed record TaskStatusChanged(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ActorId,
    Guid ProjectId,
    Guid TaskId,
    string Key,
    WorkStatus From,
    WorkStatus To) : IIntegrationEvent
{
    public Guid AggregateId => TaskId;

    public static string EventType => "task.status_changed";

    public static int EventVersion => 1;
}

public sealed record TaskDeleted(Guid EventId, DateTimeOffset OccurredAt, Guid ActorId, Guid ProjectId, Guid TaskId, string Key) : IIntegrationEvent
{
    public Guid AggregateId => TaskId;

    public static string EventType => "task.deleted";

    public static int EventVersion => 1;
}

public sealed record TaskRestored(Guid EventId, DateTimeOffset OccurredAt, Guid ActorId, Guid ProjectId, Guid TaskId, string Key) : IIntegrationEvent
{
    public Guid AggregateId => TaskId;

    public static string EventType => "task.restored";

    public static int EventVersion => 1;
}

/// <summary>
/// A comment was added. Carries who created the task and who it is assigned to, so that notification rules need
/// not ask Tasks again.
/// </summary>
public sealed record CommentAdded(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ActorId,
    Guid ProjectId,
    Guid TaskId,
    string TaskKey,
    string TaskTitle,
    Guid TaskCreatedBy,
    Guid? TaskAssigneeId,
    Guid CommentId,
    string Body) : IIntegrationEvent
{
    public Guid AggregateId => TaskId;

    public static string EventType => "comment.added";

    public static int EventVersion => 1;
}

public sealed record CommentEdited(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ActorId,
    Guid ProjectId,
    Guid TaskId,
    string TaskKey,
    Guid CommentId,
    FieldChange Body) : IIntegrationEvent
{
    public Guid AggregateId => TaskId;

    public static string EventType => "comment.edited";

    public static int EventVersion => 1;
}

public sealed record CommentDeleted(Guid EventId, DateTimeOffset OccurredAt, Guid ActorId, Guid ProjectId, Guid TaskId, string TaskKey, Guid CommentId)
    : IIntegrationEvent
{
    public Guid AggregateId => TaskId;

    public static string EventType => "comment.deleted";

    public static int EventVersion => 1;
}
