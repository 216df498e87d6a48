using Dapper;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Shared.Data;

namespace Orbit.Modules.Audit.Entries;

/// <summary>A task the audit trail has heard of, the project it belongs to, and whether it is in the trash now.</summary>
internal sealed record AuditedTask(Guid TaskId, Guid ProjectId, bool Trashed)
{
    // entries_by_task for an id, entries_by_task_key for a key; any row of the task names the same task and project.
    private const string ResolveSql = """
        select e.task_id as TaskId, e.project_id as ProjectId,
               exists (select 1 from audit.trashed_tasks tt where tt.task_id = e.task_id) as Trashed
        from audit.entries e
        where (e.task_id = @TaskId or e.task_key = @TaskKey)
        limit 1
        """;

    /// <summary>
    /// The task a URL names (by UUID or key, parsed as Tasks parses it: <see cref="TaskReference"/>). Audit cannot ask
    /// the tasks schema, so it resolves the name from its own rows: every task and comment event carries the task's id,
    /// key and project.
    /// </summary>
    /// <returns>Null when the name is malformed or no audited event names the task.</returns>
    public static async Task<AuditedTask?> ResolveAsync(IDbSession session, string taskRef, CancellationToken cancellationToken)
    {
        if (!TaskReference.TryParse(taskRef, out var reference))
        {
            return null;
        }

        var connection = await session.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AuditedTask>(new CommandDefinition(
            ResolveSql, new { TaskId = reference.Id, TaskKey = reference.Key }, cancellationToken: cancellationToken));
    }
}
