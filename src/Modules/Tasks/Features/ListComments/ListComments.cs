using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Authorization;
using Orbit.Modules.Tasks.Comments;
using Orbit.Modules.Tasks.Resources;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Modules.Tasks.Features.ListComments;

internal sealed record ListCommentsQuery(string TaskRef, int Limit, string? Cursor) : IQuery<Result<Page<CommentResponse>>>, ITaskRequest
{
    public ProjectRole RequiredRole => ProjectRole.Viewer;

    public bool Changes => false;
}

internal sealed class ListCommentsValidator : AbstractValidator<ListCommentsQuery>
{
    public ListCommentsValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.Cursor).MustBeACursorOf<ListCommentsQuery, Guid>();
    }
}

internal sealed class ListCommentsHandler(IDbSession session, AuthorizedRows authorized) : IQueryHandler<ListCommentsQuery, Result<Page<CommentResponse>>>
{
    private const string TaskSql = $"select t.id from tasks.tasks t where {TaskReferenceSql.Where} and t.deleted_at is null";

    // Oldest first, keyset on id (UUIDv7), served by comments_by_task.
    private const string Sql = $"""
        select {CommentResponse.Columns}
        from tasks.comments c
        where c.task_id = @TaskId and c.deleted_at is null and (@After::uuid is null or c.id > @After)
        order by c.id
        limit @Take
        """;

    public async ValueTask<Result<Page<CommentResponse>>> Handle(ListCommentsQuery query, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        // The authorizer has just read the task: use it rather than look it up again.
        var taskId = authorized.TaskNamed(query.TaskRef) is { } read
            ? read.DeletedAt is null ? read.Id : (Guid?)null
            : await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
                TaskSql, TaskReferenceSql.ParametersOf(query.TaskRef), cancellationToken: cancellationToken));
        if (taskId is null)
        {
            return TaskErrors.TaskNotFound;
        }

        Cursor.TryDecode<Guid?>(query.Cursor, out var after);
        var rows = (await connection.QueryAsync<CommentResponse>(new CommandDefinition(
            Sql, new { TaskId = taskId, After = after, Take = query.Limit + 1 }, cancellationToken: cancellationToken))).AsList();
        return Cursor.ToPage(rows, query.Limit, c => c.Id);
    }
}

internal sealed class ListCommentsEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("tasks/{idOrKey}/comments", async (string idOrKey, ISender sender, HttpContext context, CancellationToken cancellationToken, int? limit, string? cursor) =>
                (await sender.Send(new ListCommentsQuery(idOrKey, limit ?? Cursor.DefaultLimit, cursor), cancellationToken))
                    .Match(page => ApiResults.Page(page, context), ApiResults.Problem))
            .WithTags("Comments")
            .WithName("ListComments")
            .WithSummary("A task's comments, oldest first (viewer)")
            .RequireAuthorization()
            .Produces<Page<CommentResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
