namespace Orbit.Modules.Projects.Contracts;

/// <summary>
/// "Who belongs to this project?" — asked by modules that act on behalf of a whole project (resolving
/// <c>@mentions</c> in Notifications) and so must not read the projects schema themselves. Display names come from
/// Identity's <c>IUserDirectory</c>.
/// </summary>
public interface IProjectMembers
{
    /// <returns>The ids of the project's current members, any role; empty when the project does not exist.</returns>
    Task<IReadOnlyList<Guid>> ListAsync(Guid projectId, CancellationToken cancellationToken = default);
}
