using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Results;

namespace Orbit.Modules.Tasks.Resources;

/// <summary>The expected failures of the Tasks module, one code each.</summary>
internal static class TaskErrors
{
    // Non-members get the same answer as for something that does not exist: they must not learn that it does.
    public static readonly Error TaskNotFound = Error.NotFound("tasks.task_not_found", "There is no such task, or you cannot see it.");

    public static readonly Error ProjectNotFound = Error.NotFound("tasks.project_not_found", "There is no such project, or you cannot see it.");

    public static readonly Error CommentNotFound = Error.NotFound("tasks.comment_not_found", "There is no such comment, or you cannot see it.");

    public static readonly Error Archived = Error.Conflict("tasks.project_archived", "The project is archived; its tasks are read-only.");

    public static readonly Error NotCommentAuthor = Error.Forbidden("tasks.not_comment_author", "Only the comment's author may do this.");

    public static readonly Error AssigneeNotMember = Error.Validation("assigneeId", "assigneeId must be a member of the project.");

    public static readonly Error ParentNotInProject = Error.Validation("parentId", "parentId must be a task of the same project.");

    public static readonly Error ParentMakesCycle = Error.Validation("parentId", "parentId must not be the task itself or one of its subtasks.");

    public static Error RoleTooLow(ProjectRole required) =>
        Error.Forbidden("tasks.role_too_low", $"This needs the {required.ToString().ToLowerInvariant()} role in the project.");
}
