using Orbit.Modules.Projects.Contracts;

namespace Orbit.Modules.Projects.Resources;

/// <param name="DisplayName">From Identity's user directory; <c>null</c> only if Identity no longer knows the user.</param>
internal sealed record MemberResponse(Guid UserId, string? DisplayName, ProjectRole Role, DateTime AddedAt);
