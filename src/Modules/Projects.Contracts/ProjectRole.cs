namespace Orbit.Modules.Projects.Contracts;

/// <summary>A member's role in a project; each includes the rights of the ones below it.</summary>
public enum ProjectRole
{
    /// <summary>Reads the project and its tasks.</summary>
    Viewer = 1,

    /// <summary>Creates and edits tasks and comments.</summary>
    Member = 2,

    /// <summary>Manages members, deletes tasks, manages webhooks.</summary>
    Maintainer = 3,

    /// <summary>Archives and restores the project; grants and removes owner.</summary>
    Owner = 4,
}
