namespace Orbit.Modules.Tasks.Contracts;

/// <summary>A task's status (<c>status</c> in the API: <c>backlog</c>, <c>todo</c>, <c>in_progress</c>, ...).</summary>
/// <remarks>Not called TaskStatus, which every C# file already imports from System.Threading.Tasks.</remarks>
public enum WorkStatus
{
    Backlog,
    Todo,
    InProgress,
    InReview,
    Done,
    Cancelled,
}

/// <summary>A task's priority; the numeric order is the sort order (<c>none</c> lowest, <c>urgent</c> highest).</summary>
public enum WorkPriority
{
    None = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Urgent = 4,
}
