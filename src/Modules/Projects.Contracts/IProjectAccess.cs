namespace Orbit.Modules.Projects.Contracts;

/// <summary>
/// The project-access rule, owned by Projects and asked by every module whose requests are scoped to a project:
/// a user who is not a member (or a project that does not exist) is <see cref="ProjectAccessOutcome.NotFound"/>, a
/// member whose role is below the one required <see cref="ProjectAccessOutcome.RoleTooLow"/>, and a change to an
/// archived project <see cref="ProjectAccessOutcome.Archived"/>; checked in that order. Each module turns the outcome
/// into its own error (usually 404, 403 and 409), so the rule lives here once and the answers stay the module's.
/// Answered from the cached memberships (<see cref="IProjectMembership"/>): no SQL on a warm cache.
/// </summary>
public interface IProjectAccess
{
    /// <param name="required">The least role the request needs.</param>
    /// <param name="changes">Whether the request changes something; archived projects are read-only.</param>
    ValueTask<ProjectAccessDecision> DecideAsync(Guid projectId, Guid userId, ProjectRole required, bool changes, CancellationToken cancellationToken = default);
}

public enum ProjectAccessOutcome
{
    Allowed,

    /// <summary>No such project, or the user is not a member: they must not learn that it exists.</summary>
    NotFound,

    /// <summary>A member, but with a role below <see cref="ProjectAccessDecision.Required"/>.</summary>
    RoleTooLow,

    /// <summary>A change to an archived project.</summary>
    Archived,
}

/// <param name="Required">The role that was asked for.</param>
/// <param name="Role">The user's role in the project, or <c>null</c> when they are not a member.</param>
public sealed record ProjectAccessDecision(ProjectAccessOutcome Outcome, ProjectRole Required, ProjectRole? Role)
{
    public bool IsAllowed => Outcome == ProjectAccessOutcome.Allowed;
}
