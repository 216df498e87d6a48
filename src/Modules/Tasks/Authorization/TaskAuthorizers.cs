using Dapper;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Comments;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Modules.Tasks.Resources;
using Orbit.Shared.Authorization;
using Orbit.Shared.Data;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Tasks.Authorization;

/// <summary>
/// Tasks' answers to the project-access rule (<see cref="IProjectAccess"/>, owned by Projects): a non-member gets 404
/// as if nothing were there, a member whose role is too low 403, and a change inside an archived project 409.
/// Handlers do no permission checks of their own.
/// </summary>
internal static class TaskAccess
{
    /// <summary>The access decision as Tasks answers it; <paramref name="notFound"/> names what the caller asked for.</summary>
    public static async ValueTask<Error?> CheckAsync(
        IProjectAccess access, Guid projectId, Guid userId, ProjectRole required, bool changes, Error notFound, CancellationToken cancellationToken)
    {
        var decision = await access.DecideAsync(projectId, userId, required, changes, cancellationToken);
        return decision.Outcome switch
        {
            ProjectAccessOutcome.Allowed => null,
            ProjectAccessOutcome.RoleTooLow => TaskErrors.RoleTooLow(decision.Required),
            ProjectAccessOutcome.Archived => TaskErrors.Archived,
            _ => notFound,
        };
    }
}

internal sealed class ProjectTasksAuthorizer<TMessage>(IProjectAccess access, ICurrentUser user) : IRequestAuthorizer<TMessage>
    where TMessage : IProjectTasksRequest
{
    public ValueTask<Error?> AuthorizeAsync(TMessage message, CancellationToken cancellationToken) =>
        TaskAccess.CheckAsync(access, message.ProjectId, user.Id, message.RequiredRole, message.Changes, TaskErrors.ProjectNotFound, cancellationToken);
}

internal sealed class TaskAuthorizer<TMessage>(IProjectAccess access, ICurrentUser user, IDbSession session, AuthorizedRows authorized)
    : IRequestAuthorizer<TMessage>
    where TMessage : ITaskRequest
{
    // The whole row, not just its project: a read handler then answers from it (AuthorizedRows), so reading a task
    // costs this one statement. Deleted tasks are found too: restoring one and reading the trash need their project.
    private const string Sql = $"select {TaskRow.Columns} from tasks.tasks t where {TaskReferenceSql.Where}";

    public async ValueTask<Error?> AuthorizeAsync(TMessage message, CancellationToken cancellationToken)
    {
        if (!TaskReference.TryParse(message.TaskRef, out var reference))
        {
            return TaskErrors.TaskNotFound;
        }

        var connection = await session.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TaskRow>(new CommandDefinition(Sql, TaskReferenceSql.ParametersOf(reference), cancellationToken: cancellationToken));
        if (row is null)
        {
            return TaskErrors.TaskNotFound;
        }

        var denied = await TaskAccess.CheckAsync(access, row.ProjectId, user.Id, message.RequiredRole, message.Changes, TaskErrors.TaskNotFound, cancellationToken);
        if (denied is null)
        {
            authorized.Task = (message.TaskRef, row);
        }

        return denied;
    }
}

internal sealed class CommentAuthorizer<TMessage>(IProjectAccess access, ICurrentUser user, IDbSession session, AuthorizedRows authorized)
    : IRequestAuthorizer<TMessage>
    where TMessage : ICommentRequest
{
    // The comment with its task's project; a read handler answers from it (AuthorizedRows).
    private const string Sql = $"""
        select t.project_id as ProjectId, {CommentResponse.Columns}
        from tasks.comments c
        join tasks.tasks t on t.id = c.task_id
        where c.id = @CommentId and c.deleted_at is null and t.deleted_at is null
        """;

    public async ValueTask<Error?> AuthorizeAsync(TMessage message, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var comment = await connection.QuerySingleOrDefaultAsync<CommentRow>(
            new CommandDefinition(Sql, new { message.CommentId }, cancellationToken: cancellationToken));
        if (comment is null)
        {
            return TaskErrors.CommentNotFound;
        }

        var isAuthor = comment.AuthorId == user.Id;
        if (!isAuthor && message.OthersRole is null)
        {
            // Visible to the caller or not, only its author may do this: say so only to someone who can see it.
            var visible = await TaskAccess.CheckAsync(access, comment.ProjectId, user.Id, ProjectRole.Viewer, false, TaskErrors.CommentNotFound, cancellationToken);
            return visible ?? TaskErrors.NotCommentAuthor;
        }

        var required = isAuthor ? message.AuthorRole : message.OthersRole!.Value;
        var denied = await TaskAccess.CheckAsync(access, comment.ProjectId, user.Id, required, message.Changes, TaskErrors.CommentNotFound, cancellationToken);
        if (denied is null)
        {
            authorized.Comment = new CommentResponse(comment.Id, comment.TaskId, comment.AuthorId, comment.Body, comment.CreatedAt, comment.UpdatedAt, comment.Version);
        }

        return denied;
    }

    private sealed class CommentRow
    {
        public Guid ProjectId { get; init; }

        public Guid Id { get; init; }

        public Guid TaskId { get; init; }

        public Guid AuthorId { get; init; }

        public string Body { get; init; } = "";

        public DateTime CreatedAt { get; init; }

        public DateTime UpdatedAt { get; init; }

        public int Version { get; init; }
    }
}

/// <summary>
/// The rows the request's authorizer read and allowed, kept for the request (scoped) so that a read handler answers
/// from them instead of reading them again: one statement per authorised read by id or key. Commands read their rows
/// again in their transaction, under a lock.
/// </summary>
internal sealed class AuthorizedRows
{
    /// <summary>The task, as named in the request (id or key), deleted or not.</summary>
    public (string TaskRef, TaskRow Row)? Task { get; set; }

    /// <summary>The comment (neither it nor its task deleted).</summary>
    public CommentResponse? Comment { get; set; }

    public TaskRow? TaskNamed(string taskRef) => Task is { } task && string.Equals(task.TaskRef, taskRef, StringComparison.Ordinal) ? task.Row : null;
}
