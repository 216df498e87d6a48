using System.ComponentModel;
using Dapper;
using Microsoft.Extensions.Caching.Hybrid;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Projects.Resources;
using Orbit.Shared.Data;

namespace Orbit.Modules.Projects.Access;

/// <summary>
/// Answers <see cref="IProjectMembership"/> for this module's authorizer and for other modules, through HybridCache.
/// A miss reads on the request's own connection rather than a second one: a request already holds a connection
/// when it asks (authentication opened it), and needing two at once is how a busy pool starves itself.
/// </summary>
internal sealed class CachedProjectMembership(HybridCache cache, IDbSession session) : IProjectMembership
{
    // One primary-key lookup on projects and one on members (project_id, user_id).
    private const string Sql = """
        select p.id as ProjectId, p.key as ProjectKey, p.archived_at is not null as IsArchived, m.role as Role
        from projects.projects p
        left join projects.members m on m.project_id = p.id and m.user_id = @UserId
        where p.id = @ProjectId
        """;

    public async Task<ProjectMembership?> FindAsync(Guid projectId, Guid userId, CancellationToken cancellationToken = default)
    {
        var entry = await cache.GetOrCreateAsync(
            MembershipCache.KeyOf(projectId, userId),
            (ProjectId: projectId, UserId: userId, Session: session),
            static async (state, token) => new Entry(await LoadAsync(state.Session, state.ProjectId, state.UserId, token)),
            tags: [MembershipCache.TagOf(projectId)],
            cancellationToken: cancellationToken);
        return entry.Membership;
    }

    private static async Task<ProjectMembership?> LoadAsync(IDbSession session, Guid projectId, Guid userId, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            Sql, new { ProjectId = projectId, UserId = userId }, cancellationToken: cancellationToken));
        return row is null ? null : new ProjectMembership(row.ProjectId, row.ProjectKey, row.IsArchived, ProjectRoles.Parse(row.Role));
    }

    /// <summary>
    /// Wraps the answer so that "no such project" (null) is cached too. Immutable and sealed, so HybridCache keeps
    /// the instance in memory instead of serializing it on every hit.
    /// </summary>
    [ImmutableObject(true)]
    internal sealed record Entry(ProjectMembership? Membership);

    private sealed record Row(Guid ProjectId, string ProjectKey, bool IsArchived, string? Role);
}
