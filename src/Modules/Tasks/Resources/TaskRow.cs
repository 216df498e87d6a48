using Orbit.Modules.Tasks.Contracts;

namespace Orbit.Modules.Tasks.Resources;

/// <summary>
/// A task row as Dapper reads it (setters, because Npgsql reports text[] as System.Array, which Dapper's constructor
/// matching refuses). <see cref="Columns"/> is the one select list every task query uses. Not sealed: the list
/// query reads a row with its sort value as well.
/// </summary>
internal class TaskRow
{
    public const string Columns = """
        t.id as Id, t.key as Key, t.project_id as ProjectId, t.title as Title, t.description as Description,
        t.status as Status, t.priority as Priority, t.assignee_id as AssigneeId, t.labels as Labels, t.due_date as DueDate,
        t.parent_id as ParentId, t.created_by as CreatedBy, t.created_at as CreatedAt, t.updated_at as UpdatedAt,
        t.completed_at as CompletedAt, t.deleted_at as DeletedAt, t.version as Version
        """;

    public Guid Id { get; init; }

    public string Key { get; init; } = "";

    public Guid ProjectId { get; init; }

    public string Title { get; init; } = "";

    public string? Description { get; init; }

    public string Status { get; init; } = "";

    public short Priority { get; init; }

    public Guid? AssigneeId { get; init; }

    public string[] Labels { get; init; } = [];

    public DateTime? DueDate { get; init; }

    public Guid? ParentId { get; init; }

    public Guid CreatedBy { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public DateTime? CompletedAt { get; init; }

    public DateTime? DeletedAt { get; init; }

    public int Version { get; init; }

    public TaskResponse ToResponse() => new(
        Id,
        Key,
        ProjectId,
        Title,
        Description,
        TaskValues.ParseStatus(Status),
        (WorkPriority)Priority,
        AssigneeId,
        Labels,
        DueDate is { } due ? DateOnly.FromDateTime(due) : null,
        ParentId,
        CreatedBy,
        CreatedAt,
        UpdatedAt,
        CompletedAt,
        Version);
}
