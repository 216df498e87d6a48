using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Authorization;
using Orbit.Modules.Tasks.Resources;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Tasks.Features.GetTask;

internal sealed record GetTaskQuery(string TaskRef) : IQuery<Result<TaskResponse>>, ITaskRequest
{
    public ProjectRole RequiredRole => ProjectRole.Viewer;

    public bool Changes => false;
}

internal sealed class GetTaskHandler(IDbSession session, AuthorizedRows authorized) : IQueryHandler<GetTaskQuery, Result<TaskResponse>>
{
    private const string Sql = $"select {TaskRow.Columns} from tasks.tasks t where {TaskReferenceSql.Where} and t.deleted_at is null";

    public async ValueTask<Result<TaskResponse>> Handle(GetTaskQuery query, CancellationToken cancellationToken)
    {
        // The authorizer has just read the row: answer from it (one statement per read).
        if (authorized.TaskNamed(query.TaskRef) is { } read)
        {
            return read.DeletedAt is null ? read.ToResponse() : TaskErrors.TaskNotFound;
        }

        var connection = await session.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TaskRow>(new CommandDefinition(
            Sql, TaskReferenceSql.ParametersOf(query.TaskRef), cancellationToken: cancellationToken));
        return row is null ? TaskErrors.TaskNotFound : row.ToResponse();
    }
}

internal sealed class GetTaskEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("tasks/{idOrKey}", async (string idOrKey, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
                (await sender.Send(new GetTaskQuery(idOrKey), cancellationToken)).Match(
                    task => Versioning.Ok(task, task.Version, context),
                    ApiResults.Problem))
            .WithTags("Tasks")
            .WithName("GetTask")
            .WithSummary("Read a task by id or by key (ABC-42)")
            .RequireAuthorization()
            .Produces<TaskResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
