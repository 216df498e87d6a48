using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Shared.Events;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// The events a project's webhook can subscribe to: every integration event that belongs to one project. Events
/// about no project (<c>user.registered</c>) are not offered: a project's maintainers must not learn of them.
/// Each type is read through its contract, so a version this code does not know fails loudly instead of being
/// forwarded unchecked.
/// </summary>
internal static class WebhookEventTypes
{
    /// <summary>The filter that matches every event type of the project.</summary>
    public const string All = "*";

    private static readonly Dictionary<string, Func<IntegrationMessage, Guid>> ProjectIdReaders = new(StringComparer.Ordinal)
    {
        [ProjectCreated.EventType] = m => m.Read<ProjectCreated>().ProjectId,
        [ProjectUpdated.EventType] = m => m.Read<ProjectUpdated>().ProjectId,
        [ProjectArchived.EventType] = m => m.Read<ProjectArchived>().ProjectId,
        [ProjectRestored.EventType] = m => m.Read<ProjectRestored>().ProjectId,
        [MemberAdded.EventType] = m => m.Read<MemberAdded>().ProjectId,
        [MemberRoleChanged.EventType] = m => m.Read<MemberRoleChanged>().ProjectId,
        [MemberRemoved.EventType] = m => m.Read<MemberRemoved>().ProjectId,
        [TaskCreated.EventType] = m => m.Read<TaskCreated>().ProjectId,
        [TaskUpdated.EventType] = m => m.Read<TaskUpdated>().ProjectId,
        [TaskAssigned.EventType] = m => m.Read<TaskAssigned>().ProjectId,
        [TaskStatusChanged.EventType] = m => m.Read<TaskStatusChanged>().ProjectId,
        [TaskDeleted.EventType] = m => m.Read<TaskDeleted>().ProjectId,
        [TaskRestored.EventType] = m => m.Read<TaskRestored>().ProjectId,
        [CommentAdded.EventType] = m => m.Read<CommentAdded>().ProjectId,
        [CommentEdited.EventType] = m => m.Read<CommentEdited>().ProjectId,
        [CommentDeleted.EventType] = m => m.Read<CommentDeleted>().ProjectId,
    };

    public static IReadOnlyList<string> Names { get; } = [.. ProjectIdReaders.Keys.Order(StringComparer.Ordinal)];

    /// <summary>What a webhook's <c>events</c> may hold: "*" or any of <see cref="Names"/>.</summary>
    public static IReadOnlyList<string> Filters { get; } = [All, .. Names];

    public static bool IsKnown(string eventType) => ProjectIdReaders.ContainsKey(eventType);

    /// <summary>The project the event belongs to; throws for a type or version this code does not know.</summary>
    public static Guid ProjectIdOf(IntegrationMessage message) =>
        ProjectIdReaders.TryGetValue(message.Type, out var read)
            ? read(message)
            : throw new UnsupportedEventVersionException(message.Type, message.Version, "a project event", 1);
}
