using Orbit.Modules.Tasks.Contracts;

namespace Orbit.Modules.Tasks.Resources;

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
