using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Projects.Resources;
using Orbit.Shared.Authorization;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Projects.Authorization;

/// <summary>
/// The one place project membership is enforced in Projects, run by the pipeline's authorization behaviour for every
/// <see cref="IProjectRequest"/>: the rule is <see cref="IProjectAccess"/>'s; a non-member gets 404 (they must not learn
/// the project exists; admins included, see docs/adr/0005), a member whose role is too low 403, a change to an archived
/// project 409. The required role of a member request depends on the member it is about (owners need an owner).
/// </summary>
internal sealed class ProjectRequestAuthorizer<TMessage>(IProjectAccess access, IProjectMembership membership, ICurrentUser currentUser)
    : IRequestAuthorizer<TMessage>
    where TMessage : IProjectRequest
{
    public async ValueTask<Error?> AuthorizeAsync(TMessage message, CancellationToken cancellationToken)
    {
        var actorId = currentUser.Id;
        var required = await RequiredRoleAsync(message, actorId, cancellationToken);
        var decision = await access.DecideAsync(message.ProjectId, actorId, required, message.ChangesProject, cancellationToken);
        return decision.Outcome switch
        {
            ProjectAccessOutcome.Allowed => null,
            ProjectAccessOutcome.RoleTooLow => ProjectErrors.RoleTooLow(decision.Required, decision.Role!.Value),
            ProjectAccessOutcome.Archived => ProjectErrors.Archived,
            _ => ProjectErrors.NotFound,
        };
    }

    private async ValueTask<ProjectRole> RequiredRoleAsync(TMessage message, Guid actorId, CancellationToken cancellationToken)
    {
        if (message is not IProjectMemberRequest memberRequest)
        {
            return message.RequiredRole;
        }

        if (memberRequest.MemberMayActOnThemself && memberRequest.MemberId == actorId)
        {
            return ProjectRole.Viewer;
        }

        var target = await membership.FindAsync(message.ProjectId, memberRequest.MemberId, cancellationToken);
        return target?.Role == ProjectRole.Owner ? ProjectRole.Owner : message.RequiredRole;
    }
}
