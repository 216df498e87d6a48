using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Authorization;
using Orbit.Modules.Tasks.Comments;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Modules.Tasks.Resources;
using Orbit.Shared.Data;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Tasks.Features.EditComment;

internal sealed record EditCommentRequest(string? Body);

/// <summary>Only the author edits a comment, and only while still at least a member of the project.</summary>
internal sealed record EditCommentCommand(Guid CommentId, Guid ActorId, int? ExpectedVersion, string? Body) : ICommand<Result<CommentResponse>>, ICommentRequest
{
    public ProjectRole AuthorRole => ProjectRole.Member;

    public ProjectRole? OthersRole => null;

    public bool Changes => true;
}

internal sealed class EditCommentValidator : AbstractValidator<EditCommentCommand>
{
    public EditCommentValidator() => RuleFor(c => c.Body).ValidCommentBody();
}

internal sealed class EditCommentHandler(IDbSession session, Outbox outbox, TimeProvider clock) : ICommandHandler<EditCommentCommand, Result<CommentResponse>>
{
    private const string LockSql = """
        select c.body as Body, c.version as Version, c.task_id as TaskId, t.key as TaskKey, t.project_id as ProjectId
        from tasks.comments c join tasks.tasks t on t.id = c.task_id
        where c.id = @CommentId and c.deleted_at is null
        for update of c
        """;

    private const string UpdateSql = $"""
        update tasks.comments c set body = @Body, updated_at = @Now, version = version + 1
        where id = @CommentId
        returning {CommentResponse.Columns}
        """;

    public async ValueTask<Result<CommentResponse>> Handle(EditCommentCommand command, CancellationToken cancellationToken)
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
        var comment = await connection.QuerySingleAsync<CommentResponse>(new CommandDefinition(
            UpdateSql, new { command.CommentId, command.Body, Now = now }, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(TasksModule.SchemaName, new CommentEdited(
            Guid.CreateVersion7(now), now, command.ActorId, current.ProjectId, current.TaskId, current.TaskKey, comment.Id,
            FieldChange.Of(current.Body, comment.Body)), cancellationToken);
        return comment;
    }

    private sealed record CurrentComment(string Body, int Version, Guid TaskId, string TaskKey, Guid ProjectId);
}

internal sealed class EditCommentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPatch("comments/{commentId:guid}", async (Guid commentId, EditCommentRequest request, ICurrentUser user, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
            {
                return (await sender.Send(new EditCommentCommand(commentId, user.Id, Versioning.IfMatchVersion(context), request.Body), cancellationToken))
                    .Match(comment => Versioning.Ok(comment, comment.Version, context), ApiResults.Problem);
            })
            .WithTags("Comments")
            .WithName("EditComment")
            .WithSummary("Edit your own comment; honours If-Match")
            .RequireAuthorization()
            .AcceptsIfMatch()
            .Produces<CommentResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            // A comment of an archived project can be read but not changed.
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
