using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orbit.Modules.Identity.Contracts;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Shared.Events;

namespace Orbit.Modules.Audit.Recording;

/// <summary>What an audit row says about an event, read from its payload.</summary>
internal sealed record AuditedFacts(
    Guid? ActorId,
    Guid? ProjectId,
    string EntityType,
    Guid EntityId,
    Guid? TaskId,
    string? TaskKey,
    JsonElement? Changes);

/// <summary>A payload that does not have the shape its (type, version) promises.</summary>
internal sealed record MalformedPayload(string Property, string Expected);

/// <summary>
/// The event contracts audit was written for (each a type and a version), and where each keeps its actor, project,
/// entity and changes. Audit consumes every event; it stores every payload as it came (type + JSON), but it fails loudly
/// on a type or version not in this map: a new version may have moved or renamed the fields read here, and guessing would
/// write a wrong audit trail. Adding an event or a version is adding a line, keyed by its contract type;
/// <c>AuditedEventsTests</c> fails while a published contract has no line (<see cref="Unmapped"/>).
/// </summary>
internal static class AuditedEvents
{
    private static readonly Dictionary<Type, Shape> ByContract = new()
    {
        [typeof(UserRegistered)] = new("user", "userId", Actor: "userId", Project: false),

        [typeof(ProjectCreated)] = new("project", "projectId", Changes: Created("key", "name", "description")),
        [typeof(ProjectUpdated)] = new("project", "projectId", Changes: ChangesProperty),
        [typeof(ProjectArchived)] = new("project", "projectId"),
        [typeof(ProjectRestored)] = new("project", "projectId"),

        [typeof(MemberAdded)] = new("member", "userId", Changes: Field("role", null, "role")),
        [typeof(MemberRoleChanged)] = new("member", "userId", Changes: Field("role", "oldRole", "newRole")),
        [typeof(MemberRemoved)] = new("member", "userId", Changes: Field("role", "role", null)),

        [typeof(TaskCreated)] = new("task", "taskId", TaskKey: "key",
            Changes: Created("title", "status", "priority", "assigneeId", "labels", "dueDate", "parentId")),
        [typeof(TaskUpdated)] = new("task", "taskId", TaskKey: "key", Changes: ChangesProperty),
        [typeof(TaskAssigned)] = new("task", "taskId", TaskKey: "key", Changes: Field("assigneeId", "previousAssigneeId", "assigneeId")),
        [typeof(TaskStatusChanged)] = new("task", "taskId", TaskKey: "key", Changes: Field("status", "from", "to")),
        [typeof(TaskDeleted)] = new("task", "taskId", TaskKey: "key"),
        [typeof(TaskRestored)] = new("task", "taskId", TaskKey: "key"),

        [typeof(CommentAdded)] = new("comment", "commentId", TaskKey: "taskKey", Changes: Created("body")),
        [typeof(CommentEdited)] = new("comment", "commentId", TaskKey: "taskKey", Changes: FieldChangeProperty("body")),
        [typeof(CommentDeleted)] = new("comment", "commentId", TaskKey: "taskKey"),
    };

    // The wire names of the contracts above: what a delivered message carries.
    private static readonly Dictionary<(string Type, int Version), Shape> Known =
        ByContract.ToDictionary(entry => WireName(entry.Key), entry => entry.Value);

    /// <summary>The (type, version) pairs audit reads.</summary>
    public static IEnumerable<(string Type, int Version)> All => Known.Keys;

    /// <summary>The contract types audit has a line for.</summary>
    public static IEnumerable<Type> Contracts => ByContract.Keys;

    /// <summary>Those of <paramref name="contracts"/> (event records) audit has no line for.</summary>
    public static IReadOnlyList<Type> Unmapped(IEnumerable<Type> contracts) => contracts.Where(c => !ByContract.ContainsKey(c)).ToList();

    /// <summary>Reads the facts, or says which property is missing or malformed.</summary>
    /// <exception cref="UnsupportedEventVersionException">The type or version is not one audit was written for.</exception>
    public static (AuditedFacts? Facts, MalformedPayload? Problem) Read(string type, int version, JsonElement payload)
    {
        if (!Known.TryGetValue((type, version), out var shape))
        {
            // Expected version 0 when audit knows no version of the type at all.
            var known = Known.Keys.Where(k => k.Type == type).Select(k => k.Version).DefaultIfEmpty(0).Max();
            throw new UnsupportedEventVersionException(type, version, type, known);
        }

        if (payload.ValueKind != JsonValueKind.Object)
        {
            return (null, new MalformedPayload("(payload)", "a JSON object"));
        }

        if (!TryUuid(payload, shape.EntityId, out var entityId))
        {
            return (null, new MalformedPayload(shape.EntityId, "a uuid"));
        }

        if (!TryUuid(payload, shape.Actor, out var actorId))
        {
            return (null, new MalformedPayload(shape.Actor, "a uuid"));
        }

        Guid? projectId = null;
        if (shape.Project && !TryUuid(payload, "projectId", out projectId))
        {
            return (null, new MalformedPayload("projectId", "a uuid"));
        }

        Guid? taskId = null;
        string? taskKey = null;
        if (shape.TaskKey is { } keyProperty)
        {
            if (!TryUuid(payload, "taskId", out taskId))
            {
                return (null, new MalformedPayload("taskId", "a uuid"));
            }

            if (!payload.TryGetProperty(keyProperty, out var key) || key.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(key.GetString()))
            {
                return (null, new MalformedPayload(keyProperty, "a task key"));
            }

            taskKey = key.GetString();
        }

        var changes = shape.Changes?.Invoke(payload);
        if (changes is { ValueKind: not JsonValueKind.Object })
        {
            return (null, new MalformedPayload("changes", "an object of field changes"));
        }

        return (new AuditedFacts(actorId, projectId, shape.EntityType, entityId!.Value, taskId, taskKey, changes), null);
    }

    private static (string Type, int Version) WireName(Type contract) => (
        (string)contract.GetProperty(nameof(IIntegrationEvent.EventType), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!,
        (int)contract.GetProperty(nameof(IIntegrationEvent.EventVersion), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!);

    private static bool TryUuid(JsonElement payload, string property, out Guid? value)
    {
        value = null;
        if (payload.TryGetProperty(property, out var element) && element.ValueKind == JsonValueKind.String && element.TryGetGuid(out var id))
        {
            value = id;
            return true;
        }

        return false;
    }

    /// <summary>The event's own field changes (<c>task.updated</c>, <c>project.updated</c>).</summary>
    private static JsonElement? ChangesProperty(JsonElement payload) =>
        // Missing is "undefined", which the shape check reports, not "no changes".
        payload.TryGetProperty("changes", out var changes) ? changes.Clone() : default(JsonElement);

    /// <summary>A created thing's initial values, as changes from nothing; absent and null fields are left out.</summary>
    private static Func<JsonElement, JsonElement?> Created(params string[] fields) => payload =>
    {
        var changes = new JsonObject();
        foreach (var field in fields)
        {
            if (payload.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                changes[field] = Change(null, value);
            }
        }

        return changes.Count == 0 ? null : JsonSerializer.SerializeToElement(changes);
    };

    /// <summary>One field's change read from two payload properties (either may be "nothing").</summary>
    private static Func<JsonElement, JsonElement?> Field(string field, string? before, string? after) => payload =>
        JsonSerializer.SerializeToElement(new JsonObject { [field] = Change(ValueOf(payload, before), ValueOf(payload, after)) });

    /// <summary>A payload property that already is a <see cref="FieldChange"/> ({before, after}).</summary>
    private static Func<JsonElement, JsonElement?> FieldChangeProperty(string field) => payload =>
        JsonSerializer.SerializeToElement(new JsonObject { [field] = payload.TryGetProperty(field, out var change) ? JsonNode.Parse(change.GetRawText()) : null });

    private static JsonElement? ValueOf(JsonElement payload, string? property) =>
        property is not null && payload.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static JsonObject Change(JsonElement? before, JsonElement? after) => new()
    {
        ["before"] = before is { } b ? JsonNode.Parse(b.GetRawText()) : null,
        ["after"] = after is { } a ? JsonNode.Parse(a.GetRawText()) : null,
    };

    /// <param name="EntityType">What the event is about: task, project, member, comment or user.</param>
    /// <param name="EntityId">The payload property holding that entity's id (a member is named by its user id).</param>
    /// <param name="Actor">The payload property holding who did it.</param>
    /// <param name="Project">Whether the payload carries <c>projectId</c>.</param>
    /// <param name="TaskKey">For task and comment events, the payload property holding the task's key (they all carry <c>taskId</c>).</param>
    private sealed record Shape(
        string EntityType,
        string EntityId,
        string Actor = "actorId",
        bool Project = true,
        string? TaskKey = null,
        Func<JsonElement, JsonElement?>? Changes = null);
}
