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

namespace Orbit.Modules.Projects.Features.ArchiveProject;

/// <summary>DELETE is the soft delete: the project is archived, read-only and hidden from lists until restored.</summary>
internal sealed record ArchiveProjectCommand(Guid ProjectId, int? ExpectedVersion) : ICommand<Result<Unit>>, IProjectRequest
{
    public ProjectRole RequiredRole => ProjectRole.Owner;

    public bool ChangesProject => true;
}

internal sealed class ArchiveProjectHandler(IDbSession session, Outbox outbox, ICurrentUser currentUser, MembershipCache membershipCache, TimeProvider clock)
    : ICommandHandler<ArchiveProjectCommand, Result<Unit>>
{
    private const string LockSql = """
        select version as Version, archived_at is not null as IsArchived
        from projects.projects
        where id = @ProjectId
        for update
        """;

    private const string ArchiveSql = """
        update projects.projects
        set archived_at = @Now, archived_by = @ActorId, updated_by = @ActorId, updated_at = @Now, version = version + 1
        where id = @ProjectId
        """;

    public async ValueTask<Result<Unit>> Handle(ArchiveProjectCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<State>(new CommandDefinition(LockSql, new { command.ProjectId }, cancellationToken: cancellationToken));
        if (current is null)
        {
            return ProjectErrors.NotFound;
        }

        if (command.ExpectedVersion is { } expected && expected != current.Version)
        {
            return Versioning.Stale(expected, current.Version);
        }

        // The authorizer saw the project unarchived; this closes the gap to an archive that committed since.
        if (current.IsArchived)
        {
            return ProjectErrors.Archived;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var actorId = currentUser.Id;
        await connection.ExecuteAsync(new CommandDefinition(
            ArchiveSql, new { command.ProjectId, ActorId = actorId, Now = now }, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(ProjectsModule.SchemaName, new ProjectArchived(Guid.CreateVersion7(now), now, actorId, command.ProjectId), cancellationToken);
        await membershipCache.EvictAfterCommitAsync(command.ProjectId);
        return Unit.Value;
    }

    private sealed record State(int Version, bool IsArchived);
}

internal sealed class ArchiveProjectEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapDelete("projects/{projectId:guid}", async (Guid projectId, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
            {
                return (await sender.Send(new ArchiveProjectCommand(projectId, Versioning.IfMatchVersion(context)), cancellationToken)).Match(
                    _ => Results.NoContent(),
                    ApiResults.Problem);
            })
            .WithTags("Projects")
            .WithName("ArchiveProject")
            .AcceptsIfMatch()
            .WithSummary("Archive a project (owner)")
            .WithDescription("The soft delete: the project becomes read-only and leaves the default lists; POST .../restore undoes it. " +
                "Honours If-Match (412 when stale). Archiving an archived project is 409.")
            .RequireAuthorization()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
