using Dapper;
using Npgsql;
using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Results;

namespace Orbit.Modules.Tasks.Resources;

/// <summary>The references a task holds to others, checked the same way on create and on update.</summary>
internal sealed class TaskLinks(IProjectMembership memberships)
{
    // Walks up from the proposed parent; if the task itself is among the ancestors, the link would make a cycle. The
    // walk has no depth limit: CYCLE stops it at the first id seen twice (a cycle already in the data, which this check
    // exists to prevent but must not loop on), so however deep the chain, the whole of it is checked (tasks_parent is
    // not needed: each step is a primary-key look-up).
    private const string ParentSql = """
        with recursive ancestors as (
            select id, parent_id, project_id, deleted_at from tasks.tasks where id = @ParentId
            union all
            select t.id, t.parent_id, t.project_id, t.deleted_at
            from tasks.tasks t join ancestors a on t.id = a.parent_id
        ) cycle id set in_cycle using path
        select
            (select project_id from ancestors where id = @ParentId and not in_cycle) as ProjectId,
            (select deleted_at is not null from ancestors where id = @ParentId and not in_cycle) as IsDeleted,
            exists (select 1 from ancestors where id = @TaskId) as MakesCycle
        """;

    /// <summary>An assignee must be a member (any role) of the task's project.</summary>
    public async Task<Error?> CheckAssigneeAsync(Guid projectId, Guid? assigneeId, CancellationToken cancellationToken)
    {
        if (assigneeId is null)
        {
            return null;
        }

        var membership = await memberships.FindAsync(projectId, assigneeId.Value, cancellationToken);
        return membership?.Role is null ? TaskErrors.AssigneeNotMember : null;
    }

    /// <summary>A parent must be a live task of the same project, and not the task itself or one of its descendants.</summary>
    public static async Task<Error?> CheckParentAsync(NpgsqlConnection connection, Guid projectId, Guid? taskId, Guid? parentId, CancellationToken cancellationToken)
    {
        if (parentId is null)
        {
            return null;
        }

        var parent = await connection.QuerySingleAsync<ParentCheck>(new CommandDefinition(
            ParentSql, new { ParentId = parentId, TaskId = taskId ?? Guid.Empty }, cancellationToken: cancellationToken));
        if (parent.ProjectId != projectId || parent.IsDeleted == true)
        {
            return TaskErrors.ParentNotInProject;
        }

        return parent.MakesCycle ? TaskErrors.ParentMakesCycle : null;
    }

    private sealed class ParentCheck
    {
        public Guid? ProjectId { get; init; }

        public bool? IsDeleted { get; init; }

        public bool MakesCycle { get; init; }
    }
}
