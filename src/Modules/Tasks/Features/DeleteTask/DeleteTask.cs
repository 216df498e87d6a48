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

namespace Orbit.Modules.Tasks.Features.DeleteTask;

/// <summary>Soft delete: the task moves to the project's trash and can be restored; nothing is removed.</summary>
internal sealed record DeleteTaskCommand(string TaskRef, Guid ActorId, int? ExpectedVersion) : ICommand<Result<Unit>>, ITaskRequest
{
    public ProjectRole RequiredRole => ProjectRole.Maintainer;

    public bool Changes => true;
}

internal sealed class DeleteTaskHandler(IDbSession session, Outbox outbox, TimeProvider clock) : ICommandHandler<DeleteTaskCommand, Result<Unit>>
{
    private const string DeleteSql = """
        update tasks.tasks set deleted_at = @Now, deleted_by = @ActorId, updated_at = @Now, updated_by = @ActorId, version = version + 1
        where id = @Id
        """;

    public async ValueTask<Result<Unit>> Handle(DeleteTaskCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var locked = await TaskLock.AcquireAsync(connection, command.TaskRef, command.ExpectedVersion, cancellationToken);
        if (!locked.IsSuccess)
        {
            return locked.Error;
        }

        var task = locked.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { task.Id, command.ActorId, Now = now }, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(TasksModule.SchemaName, new TaskDeleted(Guid.CreateVersion7(now), now, command.ActorId, task.ProjectId, task.Id, task.Key), cancellationToken);
        return Unit.Value;
    }
}

internal sealed class DeleteTaskEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapDelete("tasks/{idOrKey}", async (string idOrKey, ICurrentUser user, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
            {
                return (await sender.Send(new DeleteTaskCommand(idOrKey, user.Id, Versioning.IfMatchVersion(context)), cancellationToken))
                    .Match(_ => Results.NoContent(), ApiResults.Problem);
            })
            .WithTags("Tasks")
            .WithName("DeleteTask")
            .WithSummary("Move a task to the trash (maintainer); honours If-Match")
            .RequireAuthorization()
            .AcceptsIfMatch()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
