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

namespace Orbit.Modules.Tasks.Features.AddComment;

internal sealed record AddCommentRequest(string? Body);

internal sealed record AddCommentCommand(string TaskRef, Guid ActorId, string? Body) : ICommand<Result<CommentResponse>>, ITaskRequest
{
    public ProjectRole RequiredRole => ProjectRole.Member;

    public bool Changes => true;
}

internal sealed class AddCommentValidator : AbstractValidator<AddCommentCommand>
{
    public AddCommentValidator() => RuleFor(c => c.Body).ValidCommentBody();
}

internal sealed class AddCommentHandler(IDbSession session, Outbox outbox, TimeProvider clock) : ICommandHandler<AddCommentCommand, Result<CommentResponse>>
{
    // Share-locks the task so it cannot be deleted between this check and the insert.
    private const string TaskSql = $"select {TaskRow.Columns} from tasks.tasks t where {TaskReferenceSql.Where} and t.deleted_at is null for share";

    private const string InsertSql = $"""
        insert into tasks.comments as c (id, task_id, author_id, body, created_at, updated_at)
        values (@Id, @TaskId, @AuthorId, @Body, @Now, @Now)
        returning {CommentResponse.Columns}
        """;

    public async ValueTask<Result<CommentResponse>> Handle(AddCommentCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var task = await connection.QuerySingleOrDefaultAsync<TaskRow>(new CommandDefinition(
            TaskSql, TaskReferenceSql.ParametersOf(command.TaskRef), cancellationToken: cancellationToken));
        if (task is null)
        {
            return TaskErrors.TaskNotFound;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var comment = await connection.QuerySingleAsync<CommentResponse>(new CommandDefinition(InsertSql, new
        {
            Id = Guid.CreateVersion7(now),
            TaskId = task.Id,
            AuthorId = command.ActorId,
            command.Body,
            Now = now,
        }, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(TasksModule.SchemaName, new CommentAdded(
            Guid.CreateVersion7(now), now, command.ActorId, task.ProjectId, task.Id, task.Key, task.Title, task.CreatedBy, task.AssigneeId,
            comment.Id, comment.Body), cancellationToken);
        return comment;
    }
}

internal sealed class AddCommentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("tasks/{idOrKey}/comments", async (string idOrKey, AddCommentRequest request, ICurrentUser user, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
                (await sender.Send(new AddCommentCommand(idOrKey, user.Id, request.Body), cancellationToken)).Match(
                    comment => Versioning.Created($"/api/v1/comments/{comment.Id}", comment, comment.Version, context),
                    ApiResults.Problem))
            .WithTags("Comments")
            .WithName("AddComment")
            .WithSummary("Comment on a task (member); honours Idempotency-Key")
            .RequireAuthorization()
            .WithIdempotency(TasksModule.SchemaName)
            .Produces<CommentResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
