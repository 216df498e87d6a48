using Orbit.Modules.Projects.Contracts;

namespace Orbit.Modules.Projects.Authorization;

/// <summary>
/// The one implementation of the project-access rule (<see cref="IProjectAccess"/>), for this module's authorizer and
/// for every other module's, over the cached memberships that every instance evicts together.
/// </summary>
internal sealed class ProjectAccess(IProjectMembership memberships) : IProjectAccess
{
    public async ValueTask<ProjectAccessDecision> DecideAsync(
        Guid projectId, Guid userId, ProjectRole required, bool changes, CancellationToken cancellationToken = default)
    {
        var membership = await memberships.FindAsync(projectId, userId, cancellationToken);
        var outcome = membership?.Role switch
        {
            null => ProjectAccessOutcome.NotFound,
            { } role when role < required => ProjectAccessOutcome.RoleTooLow,
            _ when changes && membership.IsArchived => ProjectAccessOutcome.Archived,
            _ => ProjectAccessOutcome.Allowed,
        };
        return new ProjectAccessDecision(outcome, required, membership?.Role);
    }
}
