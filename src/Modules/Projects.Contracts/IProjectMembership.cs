namespace Orbit.Modules.Projects.Contracts;

/// <summary>
/// "What role does this user have in this project?" — the question every project-scoped request asks, answered by
/// Projects for the other modules so that none of them reads the projects schema. Answers are cached briefly; a
/// change made on this instance is seen at once, one made on another instance within the cache lifetime
/// (see docs/operations.md).
/// </summary>
public interface IProjectMembership
{
    /// <returns><c>null</c> when the project does not exist; otherwise the project and the user's role in it, if any.</returns>
    Task<ProjectMembership?> FindAsync(Guid projectId, Guid userId, CancellationToken cancellationToken = default);
}

/// <param name="ProjectKey">The project's immutable key (<c>ABC</c>), which prefixes its task keys.</param>
/// <param name="IsArchived">Archived projects are read-only for everyone.</param>
/// <param name="Role">The user's role, or <c>null</c> when the user is not a member.</param>
/// <remarks>Whether the user may do something is <see cref="IProjectAccess"/>'s to decide, not the caller's.</remarks>
public sealed record ProjectMembership(Guid ProjectId, string ProjectKey, bool IsArchived, ProjectRole? Role);
