using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Authorization;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Projects.Members;
using Orbit.Modules.Projects.Resources;
using Orbit.Shared.Data;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Projects.Features.RemoveMember;

/// <summary>Maintainers remove members; anyone may leave (remove themself). Removing an owner needs an owner.</summary>
internal sealed record RemoveMemberCommand(Guid ProjectId, Guid UserId) : ICommand<Result<Unit>>, IProjectMemberRequest
{
    public ProjectRole RequiredRole => ProjectRole.Maintainer;

    public bool ChangesProject => true;

    public Guid MemberId => UserId;

    public bool MemberMayActOnThemself => true;
}

internal sealed class RemoveMemberHandler(
    IDbSession session, MembershipChanges membershipChanges, Outbox outbox, ICurrentUser currentUser, MembershipCache membershipCache, TimeProvider clock)
    : ICommandHandler<RemoveMemberCommand, Result<Unit>>
{
    // Every owner row, locked in a fixed order: two owners removing each other at once must not leave none.
    private const string LockOwnersSql = """
        select user_id from projects.members where project_id = @ProjectId and role = 'owner' order by user_id for update
        """;

    // The membership row is the one thing Projects deletes; member.removed keeps the history.
    private const string DeleteSql = """
        delete from projects.members where project_id = @ProjectId and user_id = @UserId returning role
        """;

    public async ValueTask<Result<Unit>> Handle(RemoveMemberCommand command, CancellationToken cancellationToken)
    {
        if (await membershipChanges.LockProjectAsync(command.ProjectId, cancellationToken) is { } projectError)
        {
            return projectError;
        }

        var connection = await session.OpenAsync(cancellationToken);
        var owners = (await connection.QueryAsync<Guid>(new CommandDefinition(LockOwnersSql, new { command.ProjectId }, cancellationToken: cancellationToken))).AsList();
        if (owners is [var onlyOwner] && onlyOwner == command.UserId)
        {
            return ProjectErrors.LastOwner;
        }

        var removedRole = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            DeleteSql, new { command.ProjectId, command.UserId }, cancellationToken: cancellationToken));
        if (removedRole is null)
        {
            return ProjectErrors.MemberNotFound;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await outbox.EnqueueAsync(ProjectsModule.SchemaName,
            new MemberRemoved(Guid.CreateVersion7(now), now, currentUser.Id, command.ProjectId, command.UserId, ProjectRoles.FromColumn(removedRole)),
            cancellationToken);
        await membershipCache.EvictAfterCommitAsync(command.ProjectId);
        return Unit.Value;
    }
}

internal sealed class RemoveMemberEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapDelete("projects/{projectId:guid}/members/{userId:guid}", async (Guid projectId, Guid userId, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new RemoveMemberCommand(projectId, userId), cancellationToken)).Match(_ => Results.NoContent(), ApiResults.Problem))
            .WithTags("Projects")
            .WithName("RemoveProjectMember")
            .WithSummary("Remove a member (maintainer), or leave a project yourself")
            .WithDescription("Removing an owner needs an owner; the last owner cannot be removed or leave (409).")
            .RequireAuthorization()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
