using Orbit.Modules.Audit.Chain;
using Orbit.Modules.Projects.Contracts;

namespace Orbit.Modules.Audit.Visibility;

/// <summary>
/// What project members may read of the audit trail: the same as the task and comment endpoints show them
/// (docs/adr/0009-hidden-content-in-audit-reads.md). A task in the trash is for maintainers and owners only (they read
/// the trash); a deleted comment, and the comments of a task in the trash, are for no member. The trail itself is never
/// changed: reads leave out what the reader may not see, so the hash chain verifies as before. The admin audit list is
/// the record and shows everything.
/// <para>
/// Audit reads no other schema, so it keeps which tasks are in the trash and which comments are deleted itself, from the
/// events it records (<c>task.deleted</c>, <c>task.restored</c>, <c>comment.deleted</c>), in the same transaction as
/// the row: the state is exactly as current as the trail.
/// </para>
/// </summary>
internal static class AuditVisibility
{
    /// <summary>
    /// The events that say only that something went (or came back): its ids and the task's key, no content. Every member
    /// reads them, so a live view can drop (or re-fetch) what it shows.
    /// </summary>
    public const string TombstoneTypes = "'task.deleted', 'task.restored', 'comment.deleted'";

    /// <summary>
    /// A condition on an <c>audit.entries e</c> row: whether a member reads it. <c>@SeesTrash</c> is whether the reader
    /// may read the project's trash (<see cref="SeesTrash"/>). Each test is a primary-key look-up in a small table.
    /// </summary>
    public const string VisibleToMember = $"""
        (e.event_type in ({TombstoneTypes})
         or (not exists (select 1 from audit.trashed_tasks tt where tt.task_id = e.task_id)
             and not (e.entity_type = 'comment' and exists (select 1 from audit.deleted_comments dc where dc.comment_id = e.entity_id)))
         or (@SeesTrash and e.entity_type = 'task'))
        """;

    /// <summary>Maintainers and owners read the trash (as <c>GET /projects/{id}/tasks?deleted=true</c> allows them).</summary>
    public static bool SeesTrash(ProjectAccessDecision read) => read.IsAllowed && read.Role >= ProjectRole.Maintainer;
}

/// <summary>
/// What a batch of recorded entries changes in the visibility state: tasks into the trash, tasks out of it, deleted
/// comments. Written in the recording statement (<c>AuditSubscriber</c>), so the state is exactly as current as the
/// trail. Per task the batch's last event counts, so a task is in at most one of the two lists.
/// </summary>
internal sealed record AuditVisibilityChanges(
    IReadOnlyList<(Guid TaskId, Guid ProjectId)> Trashed,
    IReadOnlyList<Guid> Restored,
    IReadOnlyList<(Guid CommentId, Guid TaskId)> DeletedComments)
{
    public static AuditVisibilityChanges Of(IEnumerable<AuditEntryContent> entries)
    {
        var trash = new Dictionary<Guid, Guid?>();
        var deletedComments = new List<(Guid, Guid)>();
        foreach (var entry in entries)
        {
            switch (entry.EventType)
            {
                case "task.deleted" when entry is { TaskId: { } task, ProjectId: { } project }:
                    trash[task] = project;
                    break;
                case "task.restored" when entry.TaskId is { } task:
                    trash[task] = null;
                    break;
                case "comment.deleted" when entry.TaskId is { } task:
                    deletedComments.Add((entry.EntityId, task));
                    break;
            }
        }

        return new AuditVisibilityChanges(
            trash.Where(t => t.Value is not null).Select(t => (t.Key, t.Value!.Value)).ToList(),
            trash.Where(t => t.Value is null).Select(t => t.Key).ToList(),
            deletedComments);
    }
}
