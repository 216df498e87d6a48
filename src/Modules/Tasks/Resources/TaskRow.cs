using Orbit.Modules.Tasks.Contracts;

namespace Orbit.Modules.Tasks.Resources;

/// <summary>A task as the API shows it.</summary>
internal sealed record TaskResponse(
    Guid Id,
    string Key,
    Guid ProjectId,
    string Title,
    string? Description,
    WorkStatus Status,
    WorkPriority Priority,
    Guid? AssigneeId,
    IReadOnlyList<string> Labels,
    DateOnly? DueDate,
    Guid? ParentId,
    Guid CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? CompletedAt,
    int Version);

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

/// <summary>How statuses and priorities are spelled in the API and stored in the database.</summary>
internal static class TaskValues
{
    private static readonly Dictionary<WorkStatus, string> StatusNames = new()
    {
        [WorkStatus.Backlog] = "backlog",
        [WorkStatus.Todo] = "todo",
        [WorkStatus.InProgress] = "in_progress",
        [WorkStatus.InReview] = "in_review",
        [WorkStatus.Done] = "done",
        [WorkStatus.Cancelled] = "cancelled",
    };

    private static readonly Dictionary<string, WorkStatus> StatusesByName = StatusNames.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    private static readonly Dictionary<string, WorkPriority> PrioritiesByName = Enum.GetValues<WorkPriority>()
        .ToDictionary(p => p.ToString().ToLowerInvariant(), p => p, StringComparer.Ordinal);

    public static readonly IReadOnlyList<string> StatusValues = [.. StatusNames.Values];

    public static readonly IReadOnlyList<string> PriorityValues = [.. PrioritiesByName.Keys];

    public static readonly string StatusList = string.Join(", ", StatusNames.Values);
    public static readonly string PriorityList = string.Join(", ", PrioritiesByName.Keys);

    public static string NameOf(WorkStatus status) => StatusNames[status];

    public static WorkStatus ParseStatus(string name) => StatusesByName[name];

    public static bool TryParseStatus(string? name, out WorkStatus status) => StatusesByName.TryGetValue(name ?? "", out status);

    public static WorkPriority ParsePriority(string name) => PrioritiesByName[name];

    public static bool TryParsePriority(string? name, out WorkPriority priority) => PrioritiesByName.TryGetValue(name ?? "", out priority);
}
