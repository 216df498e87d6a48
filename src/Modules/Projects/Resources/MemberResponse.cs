using Orbit.Modules.Projects.Contracts;

namespace Orbit.Modules.Projects.Resources;

/// <param name="DisplayName">From Identity's user directory; <c>null</c> only if Identity no longer knows the user.</param>
/// <param name="Email">From Identity's user directory, like the display name.</param>
internal sealed record MemberResponse(Guid UserId, string? DisplayName, string? Email, ProjectRole Role, DateTime AddedAt)
{
    public static string LocationOf(Guid projectId, Guid userId) => $"/api/v1/projects/{projectId}/members/{userId}";
}
