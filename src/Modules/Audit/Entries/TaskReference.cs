using System.Text.RegularExpressions;
using Dapper;
using Orbit.Shared.Data;

namespace Orbit.Modules.Audit.Entries;

/// <summary>A task the audit trail has heard of, the project it belongs to, and whether it is in the trash now.</summary>
internal sealed record AuditedTask(Guid TaskId, Guid ProjectId, bool Trashed);

/// <summary>
/// A task named in a URL, by UUID or by key (<c>ABC-42</c>, any case). Audit cannot ask the tasks schema, so it
/// resolves the name from its own rows: every task and comment event carries the task's id, key and project.
/// </summary>
internal sealed partial record TaskReference(Guid? Id, string? Key)
{
    // entries_by_task for an id, entries_by_task_key for a key; any row of the task names the same task and project.
    private const string ResolveSql = """
        select e.task_id as TaskId, e.project_id as ProjectId,
               exists (select 1 from audit.trashed_tasks tt where tt.task_id = e.task_id) as Trashed
        from audit.entries e
        where (e.task_id = @TaskId or e.task_key = @TaskKey)
        limit 1
        """;

    public static bool TryParse(string? value, out TaskReference reference)
    {
        reference = new TaskReference(null, null);
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        if (Guid.TryParse(value, out var id))
        {
            reference = new TaskReference(id, null);
            return true;
        }

        var key = value.Trim().ToUpperInvariant();
        if (!KeyPattern().IsMatch(key))
        {
            return false;
        }

        reference = new TaskReference(null, key);
        return true;
    }

    /// <returns>Null when the name is malformed or no audited event names the task.</returns>
    public static async Task<AuditedTask?> ResolveAsync(IDbSession session, string taskRef, CancellationToken cancellationToken)
    {
        if (!TryParse(taskRef, out var reference))
        {
            return null;
        }

        var connection = await session.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AuditedTask>(new CommandDefinition(
            ResolveSql, new { TaskId = reference.Id, TaskKey = reference.Key }, cancellationToken: cancellationToken));
    }

    [GeneratedRegex("^[A-Z][A-Z0-9]{1,9}-[1-9][0-9]{0,9}$")]
    private static partial Regex KeyPattern();
}
