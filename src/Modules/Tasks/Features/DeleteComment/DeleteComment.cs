using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Authorization;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Shared.Data;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;
using Orbit.Modules.Tasks.Resources;

namespace Orbit.Modules.Tasks.Features.DeleteComment;

/// <summary>The author (still a member) or any maintainer deletes a comment; it is hidden, not erased.</summary>
internal sealed record DeleteCommentCommand(Guid CommentId, Guid ActorId, int? ExpectedVersion) : ICommand<Result<Unit>>, ICommentRequest
{
    public ProjectRole AuthorRole => ProjectRole.Member;

    public ProjectRole? OthersRole => ProjectRole.Maintainer;

    public bool Changes => true;
}

internal sealed class DeleteCommentHandler(IDbSession session, Outbox outbox, TimeProvider clock) : ICommandHandler<DeleteCommentCommand, Result<Unit>>
{
    private const string LockSql = """
        select c.version as Version, c.task_id as TaskId, t.key as TaskKey, t.project_id as ProjectId
        from tasks.comments c join tasks.tasks t on t.id = c.task_id
        where c.id = @CommentId and c.deleted_at is null
        for update of c
        """;

    private const string DeleteSql = """
        update tasks.comments set deleted_at = @Now, deleted_by = @ActorId, updated_at = @Now, version = version + 1 where id = @CommentId
        """;

    public async ValueTask<Result<Unit>> Handle(DeleteCommentCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<CurrentComment>(new CommandDefinition(LockSql, new { command.CommentId }, cancellationToken: cancellationToken));
        if (current is null)
        {
            return TaskErrors.CommentNotFound;
        }

        if (command.ExpectedVersion is { } expected && expected != current.Version)
        {
            return Versioning.Stale(expected, current.Version);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { command.CommentId, command.ActorId, Now = now }, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(TasksModule.SchemaName, new CommentDeleted(
            Guid.CreateVersion7(now), now, command.ActorId, current.ProjectId, current.TaskId, current.TaskKey, command.CommentId), cancellationToken);
        return Unit.Value;
    }

    private sealed record CurrentComment(int Version, Guid TaskId, string TaskKey, Guid ProjectId);
}

internal sealed class DeleteCommentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapDelete("comments/{commentId:guid}", async (Guid commentId, ICurrentUser user, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
            {
                return (await sender.Send(new DeleteCommentCommand(commentId, user.Id, Versioning.IfMatchVersion(context)), cancellationToken))
                    .Match(_ => Results.NoContent(), ApiResults.Problem);
            })
            .WithTags("Comments")
            .WithName("DeleteComment")
            .WithSummary("Delete a comment (its author, or a maintainer); honours If-Match")
            .RequireAuthorization()
            .AcceptsIfMatch()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            // A comment of an archived project can be read but not changed.
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
