using Orbit.Shared.Http;
namespace Orbit.Modules.Notifications.InApp;

/// <summary>A notification as the API shows it.</summary>
/// <param name="Kind"><c>assigned</c>, <c>commented</c> or <c>mentioned</c>.</param>
/// <param name="ActorId">Who did what the notification is about.</param>
internal sealed record NotificationResponse(
    Guid Id,
    [property: AllowedValuesFrom(typeof(NotificationKind), nameof(NotificationKind.All))] string Kind,
    Guid ProjectId,
    Guid TaskId,
    string TaskKey,
    Guid ActorId,
    string Summary,
    DateTime CreatedAt,
    DateTime? ReadAt)
{
    /// <summary>The columns of <see cref="NotificationResponse"/> in constructor order, from <c>notifications.notifications</c> aliased <c>n</c>.</summary>
    public const string Columns = """
        n.id as Id, n.kind as Kind, n.project_id as ProjectId, n.task_id as TaskId, n.task_key as TaskKey, n.actor_id as ActorId,
        n.summary as Summary, n.created_at as CreatedAt, n.read_at as ReadAt
        """;
}
