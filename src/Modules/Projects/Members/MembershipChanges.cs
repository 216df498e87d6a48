using Dapper;
using Orbit.Modules.Identity.Contracts;
using Orbit.Modules.Projects.Authorization;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Projects.Resources;
using Orbit.Shared.Data;
using Orbit.Shared.Events;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Projects.Members;

/// <summary>
/// The steps membership changes share: locking the project against a concurrent archive, and adding a member, so
/// that adding someone by id (<c>PUT .../members/{userId}</c>) and by email (<c>POST .../members</c>) write the same
/// row, raise the same <see cref="MemberAdded"/> and evict the same cache entries. Runs inside the command's transaction.
/// </summary>
internal sealed class MembershipChanges(IDbSession session, Outbox outbox, ICurrentUser currentUser, MembershipCache membershipCache, TimeProvider clock)
{
    // A share lock on the project: an archive waits for this change to commit, and this change sees an archive that
    // committed after the authorizer looked.
    private const string ProjectSql = """
        select archived_at is not null from projects.projects where id = @ProjectId for share
        """;

    // "on conflict do nothing": the same user added twice at once gets a clean conflict, not an exception.
    private const string InsertSql = """
        insert into projects.members (project_id, user_id, role, added_by, added_at, updated_at)
        values (@ProjectId, @UserId, @Role, @ActorId, @Now, @Now)
        on conflict (project_id, user_id) do nothing
        """;

    /// <summary>Locks the project for the change: not found (404) or archived (409) otherwise.</summary>
    public async Task<Error?> LockProjectAsync(Guid projectId, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var archived = await connection.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(ProjectSql, new { ProjectId = projectId }, cancellationToken: cancellationToken));
        return archived switch
        {
            null => ProjectErrors.NotFound,
            true => ProjectErrors.Archived,
            false => null,
        };
    }

    /// <summary>
    /// Inserts the membership, enqueues <see cref="MemberAdded"/> and evicts the project's cached memberships after
    /// commit. <c>null</c> when the user already is a member (a concurrent add won): the caller says which error that is.
    /// </summary>
    public async Task<MemberResponse?> AddAsync(Guid projectId, UserSummary user, ProjectRole role, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var actorId = currentUser.Id;
        var connection = await session.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            ProjectId = projectId,
            UserId = user.Id,
            Role = ProjectRoles.ToText(role),
            ActorId = actorId,
            Now = now,
        }, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return null;
        }

        await outbox.EnqueueAsync(ProjectsModule.SchemaName, new MemberAdded(Guid.CreateVersion7(now), now, actorId, projectId, user.Id, role), cancellationToken);
        await membershipCache.EvictAfterCommitAsync(projectId);
        return new MemberResponse(user.Id, user.DisplayName, user.Email, role, now);
    }
}
