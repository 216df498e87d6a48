using Dapper;
using Npgsql;
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

    private const string TrashSql = """
        insert into audit.trashed_tasks (task_id, project_id) values (@TaskId, @ProjectId) on conflict (task_id) do nothing
        """;

    private const string RestoreSql = "delete from audit.trashed_tasks where task_id = @TaskId";

    private const string DeleteCommentSql = """
        insert into audit.deleted_comments (comment_id, task_id) values (@CommentId, @TaskId) on conflict (comment_id) do nothing
        """;

    /// <summary>Maintainers and owners read the trash (as <c>GET /projects/{id}/tasks?deleted=true</c> allows them).</summary>
    public static bool SeesTrash(ProjectAccessDecision read) => read.IsAllowed && read.Role >= ProjectRole.Maintainer;

    /// <summary>Keeps the visibility state in step with a recorded entry; called in the recording transaction.</summary>
    public static async Task RecordAsync(NpgsqlConnection connection, AuditEntryContent entry, CancellationToken cancellationToken)
    {
        CommandDefinition? command = entry.EventType switch
        {
            "task.deleted" => new CommandDefinition(TrashSql, new { entry.TaskId, entry.ProjectId }, cancellationToken: cancellationToken),
            "task.restored" => new CommandDefinition(RestoreSql, new { entry.TaskId }, cancellationToken: cancellationToken),
            "comment.deleted" => new CommandDefinition(DeleteCommentSql, new { CommentId = entry.EntityId, entry.TaskId }, cancellationToken: cancellationToken),
            _ => null,
        };
        if (command is { } definition)
        {
            await connection.ExecuteAsync(definition);
        }
    }
}
