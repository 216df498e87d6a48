using Dapper;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Projects.Resources;
using Orbit.Shared.Data;

namespace Orbit.Modules.Projects.Authorization;

/// <summary>
/// Answers <see cref="IProjectMembership"/> for this module's authorizer and for other modules, from an in-process
/// cache that every instance evicts together (<see cref="MembershipEntries"/>). A miss reads on the request's own
/// connection rather than a second one: a request already holds a connection when it asks (authentication opened
/// it), and needing two at once is how a busy pool starves itself.
/// </summary>
internal sealed class CachedProjectMembership(MembershipEntries entries, IDbSession session) : IProjectMembership
{
    // One primary-key lookup on projects and one on members (project_id, user_id).
    private const string Sql = """
        select p.id as ProjectId, p.key as ProjectKey, p.archived_at is not null as IsArchived, m.role as Role
        from projects.projects p
        left join projects.members m on m.project_id = p.id and m.user_id = @UserId
        where p.id = @ProjectId
        """;

    public async Task<ProjectMembership?> FindAsync(Guid projectId, Guid userId, CancellationToken cancellationToken = default) =>
        await entries.Cache.GetOrLoadAsync((projectId, userId), session, LoadAsync, cancellationToken);

    private static async Task<ProjectMembership?> LoadAsync((Guid ProjectId, Guid UserId) key, IDbSession session, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            Sql, new { key.ProjectId, key.UserId }, cancellationToken: cancellationToken));
        return row is null ? null : new ProjectMembership(row.ProjectId, row.ProjectKey, row.IsArchived, ProjectRoles.Parse(row.Role));
    }

    private sealed record Row(Guid ProjectId, string ProjectKey, bool IsArchived, string? Role);
}
