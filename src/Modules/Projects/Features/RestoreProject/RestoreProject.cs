using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Authorization;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Projects.Resources;
using Orbit.Shared.Data;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Projects.Features.RestoreProject;

/// <summary>Undoes an archive. The one change an archived project accepts, hence <see cref="ChangesProject"/> false.</summary>
internal sealed record RestoreProjectCommand(Guid ProjectId) : ICommand<Result<ProjectResponse>>, IProjectRequest
{
    public ProjectRole RequiredRole => ProjectRole.Owner;

    public bool ChangesProject => false;
}

internal sealed class RestoreProjectHandler(IDbSession session, Outbox outbox, ICurrentUser currentUser, MembershipCache membershipCache, TimeProvider clock)
    : ICommandHandler<RestoreProjectCommand, Result<ProjectResponse>>
{
    private const string LockSql = $"""
        select {ProjectResponse.Columns}
        from projects.projects p
        where p.id = @ProjectId
        for update
        """;

    private const string RestoreSql = $"""
        update projects.projects as p
        set archived_at = null, archived_by = null, updated_by = @ActorId, updated_at = @Now, version = p.version + 1
        where p.id = @ProjectId
        returning {ProjectResponse.Columns}
        """;

    public async ValueTask<Result<ProjectResponse>> Handle(RestoreProjectCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<ProjectResponse>(new CommandDefinition(LockSql, new { command.ProjectId }, cancellationToken: cancellationToken));
        if (current is null)
        {
            return ProjectErrors.NotFound;
        }

        if (current.ArchivedAt is null)
        {
            // Restoring an active project is a no-op rather than an error, so a retried restore is harmless.
            return current;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var actorId = currentUser.Id;
        var restored = await connection.QuerySingleAsync<ProjectResponse>(new CommandDefinition(
            RestoreSql, new { command.ProjectId, ActorId = actorId, Now = now }, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(ProjectsModule.SchemaName, new ProjectRestored(Guid.CreateVersion7(now), now, actorId, command.ProjectId), cancellationToken);
        await membershipCache.EvictAfterCommitAsync(command.ProjectId);
        return restored;
    }
}

internal sealed class RestoreProjectEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("projects/{projectId:guid}/restore", async (Guid projectId, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
                (await sender.Send(new RestoreProjectCommand(projectId), cancellationToken)).Match(
                    project => Versioning.Ok(project, project.Version, context),
                    ApiResults.Problem))
            .WithTags("Projects")
            .WithName("RestoreProject")
            .WithSummary("Restore an archived project (owner)")
            .WithDescription("Makes the project active and writable again. Restoring an active project changes nothing and answers 200.")
            .RequireAuthorization()
            .Produces<ProjectResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
