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
