using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Results;

namespace Orbit.Modules.Projects.Resources;

/// <summary>The expected failures of the Projects module, one code each.</summary>
internal static class ProjectErrors
{
    // Non-members get the same answer as for a project that does not exist: they must not learn that it does.
    public static readonly Error NotFound = Error.NotFound(
        "projects.project_not_found", "There is no project with this id, or you are not a member of it.");

    public static readonly Error KeyTaken = Error.Conflict(
        "projects.key_taken", "Another project already uses this key; keys stay taken even when a project is archived.");

    public static readonly Error Archived = Error.Conflict(
        "projects.archived", "The project is archived and read-only; an owner can restore it first.");

    public static readonly Error LastOwner = Error.Conflict(
        "projects.last_owner", "This is the project's last owner; make another member owner first.");

    public static readonly Error UserNotFound = Error.NotFound(
        "projects.user_not_found", "There is no user with this id, so they cannot be made a member.");

    // The same answer for an unknown and a disabled account: a maintainer learns no more than that they cannot add it.
    public static readonly Error NoAccountWithEmail = Error.NotFound(
        "members.user_not_found", "No active account has this email; the person has to register first.");

    public static readonly Error AlreadyMember = Error.Conflict(
        "members.already_member", "This user is already a member of the project; change their role with PUT .../members/{userId}.");

    public static readonly Error MemberNotFound = Error.NotFound(
        "projects.member_not_found", "This user is not a member of the project.");

    public static readonly Error ConcurrentChange = Error.Conflict(
        "projects.concurrent_change", "The membership changed while this request ran; read it again and retry.");

    public static readonly Error AllNeedsAdmin = Error.Forbidden(
        "projects.all_requires_admin", "Only admins may list every project (all=true).");

    public static Error RoleTooLow(ProjectRole required, ProjectRole actual) => Error.Forbidden(
        "projects.role_too_low",
        $"This needs the {ProjectRoles.ToText(required)} role in the project (or higher); you are {ProjectRoles.ToText(actual)}.");
}
