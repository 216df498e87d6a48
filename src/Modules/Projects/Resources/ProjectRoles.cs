using Orbit.Modules.Projects.Contracts;

namespace Orbit.Modules.Projects.Resources;

/// <summary>
/// The text form of <see cref="ProjectRole"/>, as <c>projects.members.role</c> stores it and the API shows it.
/// Conversions are spelled out rather than left to Dapper, which writes enums as integers.
/// </summary>
internal static class ProjectRoles
{
    public static readonly IReadOnlyList<string> Names = ["viewer", "member", "maintainer", "owner"];

    public static string ToText(ProjectRole role) => role switch
    {
        ProjectRole.Viewer => "viewer",
        ProjectRole.Member => "member",
        ProjectRole.Maintainer => "maintainer",
        ProjectRole.Owner => "owner",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a project role."),
    };

    public static ProjectRole? Parse(string? text) => text switch
    {
        "viewer" => ProjectRole.Viewer,
        "member" => ProjectRole.Member,
        "maintainer" => ProjectRole.Maintainer,
        "owner" => ProjectRole.Owner,
        _ => null,
    };

    /// <summary>For values read from the database, where the check constraint guarantees a known role.</summary>
    public static ProjectRole FromColumn(string text) =>
        Parse(text) ?? throw new InvalidOperationException($"projects.members holds an unknown role '{text}'.");
}
