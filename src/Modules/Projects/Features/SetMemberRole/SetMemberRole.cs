using Orbit.Shared.Validation;
using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Contracts;
using Orbit.Modules.Projects.Authorization;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Projects.Members;
using Orbit.Modules.Projects.Resources;
using Orbit.Shared.Data;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Projects.Features.SetMemberRole;

internal sealed record SetMemberRoleRequest(string Role);

/// <summary>
/// Adds the user with this role, or changes their role. Maintainers manage members; granting owner, or changing an
/// owner's role, needs an owner (the authorizer applies both through <see cref="IProjectMemberRequest"/>).
/// </summary>
internal sealed record SetMemberRoleCommand(Guid ProjectId, Guid UserId, string Role) : ICommand<Result<MemberChange>>, IProjectMemberRequest
{
    /// <summary>Valid once the validator has passed.</summary>
    public ProjectRole? NewRole => ProjectRoles.Parse(Role);

    public ProjectRole RequiredRole => NewRole == ProjectRole.Owner ? ProjectRole.Owner : ProjectRole.Maintainer;

    public bool ChangesProject => true;

    public Guid MemberId => UserId;

    public bool MemberMayActOnThemself => false;
}

internal sealed record MemberChange(MemberResponse Member, bool Added);

internal sealed class SetMemberRoleValidator : AbstractValidator<SetMemberRoleCommand>
{
    public SetMemberRoleValidator()
    {
        RuleFor(c => c.Role).ValidMemberRole();
    }
}

internal sealed class SetMemberRoleHandler(
    IDbSession session, MembershipChanges membershipChanges, Outbox outbox, ICurrentUser currentUser, IUserDirectory users, MembershipCache membershipCache, TimeProvider clock)
    : ICommandHandler<SetMemberRoleCommand, Result<MemberChange>>
{
    // Every owner row, locked in a fixed order: two owners demoting each other at once must not leave none.
    private const string LockOwnersSql = """
        select user_id from projects.members where project_id = @ProjectId and role = 'owner' order by user_id for update
        """;

    private const string MemberSql = """
        select role as Role, added_at as AddedAt
        from projects.members
        where project_id = @ProjectId and user_id = @UserId
        for update
        """;

    private const string UpdateSql = """
        update projects.members set role = @Role, updated_at = @Now where project_id = @ProjectId and user_id = @UserId
        """;

    public async ValueTask<Result<MemberChange>> Handle(SetMemberRoleCommand command, CancellationToken cancellationToken)
    {
        var newRole = command.NewRole!.Value;
        if (await membershipChanges.LockProjectAsync(command.ProjectId, cancellationToken) is { } projectError)
        {
            return projectError;
        }

        var user = await users.FindAsync(command.UserId, cancellationToken);
        if (user is null)
        {
            return ProjectErrors.UserNotFound;
        }

        var connection = await session.OpenAsync(cancellationToken);
        var owners = (await connection.QueryAsync<Guid>(new CommandDefinition(LockOwnersSql, new { command.ProjectId }, cancellationToken: cancellationToken))).AsList();
        var current = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            MemberSql, new { command.ProjectId, command.UserId }, cancellationToken: cancellationToken));

        if (current is null)
        {
            var added = await membershipChanges.AddAsync(command.ProjectId, user, newRole, cancellationToken);
            return added is null ? ProjectErrors.ConcurrentChange : new MemberChange(added, Added: true);
        }

        var oldRole = ProjectRoles.FromColumn(current.Role);
        var member = new MemberResponse(command.UserId, user.DisplayName, user.Email, newRole, current.AddedAt);
        if (oldRole == newRole)
        {
            return new MemberChange(member, Added: false);
        }

        if (oldRole == ProjectRole.Owner && owners is [var onlyOwner] && onlyOwner == command.UserId)
        {
            return ProjectErrors.LastOwner;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var actorId = currentUser.Id;
        await connection.ExecuteAsync(new CommandDefinition(
            UpdateSql, new { command.ProjectId, command.UserId, Role = ProjectRoles.ToText(newRole), Now = now }, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(ProjectsModule.SchemaName,
            new MemberRoleChanged(Guid.CreateVersion7(now), now, actorId, command.ProjectId, command.UserId, oldRole, newRole), cancellationToken);
        await membershipCache.EvictAfterCommitAsync(command.ProjectId);
        return new MemberChange(member, Added: false);
    }

    private sealed record Row(string Role, DateTime AddedAt);
}

internal sealed class SetMemberRoleEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPut("projects/{projectId:guid}/members/{userId:guid}", async (Guid projectId, Guid userId, SetMemberRoleRequest request, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new SetMemberRoleCommand(projectId, userId, request.Role), cancellationToken)).Match(
                    change => change.Added
                        ? Results.Created(MemberResponse.LocationOf(projectId, userId), change.Member)
                        : Results.Ok(change.Member),
                    ApiResults.Problem))
            .WithTags("Projects")
            .WithName("SetProjectMember")
            .WithSummary("Add a member or change their role (maintainer)")
            .WithDescription("role: viewer, member, maintainer or owner. 201 when the user was added, 200 when their role changed (or already was this). " +
                "Only an owner grants owner or changes an owner's role; the last owner cannot be demoted (409).")
            .RequireAuthorization()
            .Produces<MemberResponse>(StatusCodes.Status201Created)
            .Produces<MemberResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
