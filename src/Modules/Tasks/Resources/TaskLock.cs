using Dapper;
using Npgsql;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Tasks.Resources;

/// <summary>
/// The start of every command that changes one task: lock its row, so that concurrent changes of one task take turns
/// (each applies to the state the previous one left), then check <c>If-Match</c>, so that of several holding the same
/// version only the first gets through.
/// </summary>
internal static class TaskLock
{
    private const string LiveSql = $"select {TaskRow.Columns} from tasks.tasks t where {TaskReferenceSql.Where} and t.deleted_at is null for update";

    private const string AnySql = $"select {TaskRow.Columns} from tasks.tasks t where {TaskReferenceSql.Where} for update";

    /// <param name="inTrashToo">Whether a task in the trash counts (restoring one); otherwise it is not found.</param>
    /// <param name="expectedVersion">The version <c>If-Match</c> named, if any: another one answers 412.</param>
    public static async Task<Result<TaskRow>> AcquireAsync(
        NpgsqlConnection connection, string taskRef, int? expectedVersion, CancellationToken cancellationToken, bool inTrashToo = false)
    {
        var row = await connection.QuerySingleOrDefaultAsync<TaskRow>(new CommandDefinition(
            inTrashToo ? AnySql : LiveSql, TaskReferenceSql.ParametersOf(taskRef), cancellationToken: cancellationToken));
        if (row is null)
        {
            return TaskErrors.TaskNotFound;
        }

        return expectedVersion is { } expected && expected != row.Version ? Versioning.Stale(expected, row.Version) : row;
    }
}
