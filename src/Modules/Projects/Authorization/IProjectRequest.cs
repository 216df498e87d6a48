using Orbit.Modules.Projects.Contracts;

namespace Orbit.Modules.Projects.Authorization;

/// <summary>
/// A message about one project. <see cref="ProjectRequestAuthorizer{TMessage}"/> checks the caller's membership for
/// every such message before its handler runs, so handlers hold no permission checks.
/// </summary>
internal interface IProjectRequest
{
    Guid ProjectId { get; }

    /// <summary>The least role the caller needs.</summary>
    ProjectRole RequiredRole { get; }

    /// <summary>Whether the request changes the project; an archived project refuses those (409).</summary>
    bool ChangesProject { get; }
}

/// <summary>
/// A message about one member of a project. Changing or removing someone who is an owner needs the owner role, and
/// when <see cref="MemberMayActOnThemself"/> the member may do it to themself whatever their role.
/// </summary>
internal interface IProjectMemberRequest : IProjectRequest
{
    Guid MemberId { get; }

    bool MemberMayActOnThemself { get; }
}
