using Orbit.Modules.Projects.Contracts;

namespace Orbit.Modules.Tasks.Authorization;

/// <summary>What a request needs from the caller's membership of the project it touches.</summary>
internal interface IProjectAccessRequirement
{
    /// <summary>The least role that may send this request.</summary>
    ProjectRole RequiredRole { get; }

    /// <summary>Whether the request changes something; archived projects are read-only.</summary>
    bool Changes { get; }
}

/// <summary>A request about a project's tasks as a whole (create, list).</summary>
internal interface IProjectTasksRequest : IProjectAccessRequirement
{
    Guid ProjectId { get; }
}

/// <summary>A request about one task, named by id or key (get, update, delete, restore, comments).</summary>
internal interface ITaskRequest : IProjectAccessRequirement
{
    string TaskRef { get; }
}

/// <summary>A request about one comment (read, edit, delete); its author may do more than their role alone allows.</summary>
internal interface ICommentRequest
{
    Guid CommentId { get; }

    /// <summary>The least role for the comment's author.</summary>
    ProjectRole AuthorRole { get; }

    /// <summary>The least role for anyone else, or null when only the author may.</summary>
    ProjectRole? OthersRole { get; }

    /// <summary>Whether the request changes the comment; archived projects are read-only.</summary>
    bool Changes { get; }
}
