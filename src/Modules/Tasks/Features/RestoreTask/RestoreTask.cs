using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Authorization;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Modules.Tasks.Resources;
using Orbit.Shared.Data;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Tasks.Features.RestoreTask;

internal sealed record RestoreTaskCommand(string TaskRef, Guid ActorId) : ICommand<Result<TaskResponse>>, ITaskRequest
{
    public ProjectRole RequiredRole => ProjectRole.Maintainer;

    public bool Changes => true;
}

internal sealed class RestoreTaskHandler(IDbSession session, Outbox outbox, TimeProvider clock) : ICommandHandler<RestoreTaskCommand, Result<TaskResponse>>
{
    private const string RestoreSql = $"""
        update tasks.tasks t set deleted_at = null, deleted_by = null, updated_at = @Now, updated_by = @ActorId, version = version + 1
        where id = @Id
        returning {TaskRow.Columns}
        """;

    public async ValueTask<Result<TaskResponse>> Handle(RestoreTaskCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var locked = await TaskLock.AcquireAsync(connection, command.TaskRef, expectedVersion: null, cancellationToken, inTrashToo: true);
        if (!locked.IsSuccess)
        {
            return locked.Error;
        }

        var task = locked.Value;
        if (task.DeletedAt is null)
        {
            // Restoring a live task is a no-op, answered like a successful restore.
            return task.ToResponse();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var restored = await connection.QuerySingleAsync<TaskRow>(new CommandDefinition(RestoreSql, new { task.Id, command.ActorId, Now = now }, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(TasksModule.SchemaName, new TaskRestored(Guid.CreateVersion7(now), now, command.ActorId, task.ProjectId, task.Id, task.Key), cancellationToken);
        return restored.ToResponse();
    }
}

internal sealed class RestoreTaskEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("tasks/{idOrKey}/restore", async (string idOrKey, ICurrentUser user, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
                (await sender.Send(new RestoreTaskCommand(idOrKey, user.Id), cancellationToken)).Match(
                    task => Versioning.Ok(task, task.Version, context),
                    ApiResults.Problem))
            .WithTags("Tasks")
            .WithName("RestoreTask")
            .WithSummary("Bring a task back from the trash (maintainer)")
            .RequireAuthorization()
            .Produces<TaskResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
