using System.Text.Json;
using Orbit.Shared.Events;

namespace Orbit.Modules.Audit.Entries;

/// <summary>One audited action, as the activity and audit lists show it.</summary>
/// <param name="Id">The entry's position in the audit trail; later entries have larger ids.</param>
/// <param name="Action">The event type, such as <c>task.updated</c>.</param>
/// <param name="Changes">Each changed field with its value before and after (<c>{"title": {"before": "A", "after": "B"}}</c>), or null.</param>
/// <param name="TraceId">The W3C trace id of the request that caused it, to find it in traces and logs.</param>
internal sealed record AuditEntryResponse(
    long Id,
    [property: EventTypeName] string Action,
    Guid? ActorId,
    string EntityType,
    Guid EntityId,
    string? TaskKey,
    Guid? ProjectId,
    [property: FieldChanges] JsonElement? Changes,
    DateTime OccurredAt,
    string? TraceId);

/// <summary>An <c>audit.entries</c> row as the lists read it (select <see cref="Columns"/> from audit.entries e).</summary>
internal sealed class AuditEntryRow
{
    public const string Columns = """
        e.id as Id, e.event_type as Action, e.actor_id as ActorId, e.entity_type as EntityType, e.entity_id as EntityId,
        e.task_key as TaskKey, e.project_id as ProjectId, e.changes::text as Changes, e.occurred_at as OccurredAt, e.trace_id as TraceId
        """;

    public long Id { get; init; }

    public string Action { get; init; } = "";

    public Guid? ActorId { get; init; }

    public string EntityType { get; init; } = "";

    public Guid EntityId { get; init; }

    public string? TaskKey { get; init; }

    public Guid? ProjectId { get; init; }

    public string? Changes { get; init; }

    public DateTime OccurredAt { get; init; }

    public string? TraceId { get; init; }

    public AuditEntryResponse ToResponse() => new(
        Id, Action, ActorId, EntityType, EntityId, TaskKey, ProjectId, JsonColumn.Parse(Changes), OccurredAt, TraceId);
}

internal static class JsonColumn
{
    /// <summary>A jsonb column read as text, as a detached element (or null).</summary>
    public static JsonElement? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
