using Dapper;
using FluentValidation;
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

namespace Orbit.Modules.Projects.Features.CreateProject;

internal sealed record CreateProjectRequest(string Key, string Name, string? Description);

internal sealed record CreateProjectCommand(string Key, string Name, string? Description) : ICommand<Result<ProjectResponse>>;

internal sealed class CreateProjectValidator : AbstractValidator<CreateProjectCommand>
{
    public CreateProjectValidator()
    {
        RuleFor(c => c.Key).ValidProjectKey();
        RuleFor(c => c.Name).ValidProjectName();
        RuleFor(c => c.Description).ValidProjectDescription();
    }
}

internal sealed class CreateProjectHandler(IDbSession session, Outbox outbox, ICurrentUser currentUser, MembershipCache membershipCache, TimeProvider clock)
    : ICommandHandler<CreateProjectCommand, Result<ProjectResponse>>
{
    // "on conflict do nothing" against projects_key_unique: a concurrent create with the same key gets a clean 409
    // rather than a unique-violation exception.
    private const string InsertProjectSql = $"""
        insert into projects.projects as p (id, key, name, description, created_by, created_at, updated_by, updated_at, version)
        values (@Id, @Key, @Name, @Description, @ActorId, @Now, @ActorId, @Now, 1)
        on conflict (key) do nothing
        returning {ProjectResponse.Columns}
        """;

    private const string InsertOwnerSql = """
        insert into projects.members (project_id, user_id, role, added_by, added_at, updated_at)
        values (@ProjectId, @ActorId, 'owner', @ActorId, @Now, @Now)
        """;

    public async ValueTask<Result<ProjectResponse>> Handle(CreateProjectCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var actorId = currentUser.Id;
        var connection = await session.OpenAsync(cancellationToken);
        var project = await connection.QuerySingleOrDefaultAsync<ProjectResponse>(new CommandDefinition(InsertProjectSql, new
        {
            Id = Guid.CreateVersion7(now),
            command.Key,
            Name = ProjectRules.NormalizeName(command.Name),
            Description = ProjectRules.NormalizeDescription(command.Description),
            ActorId = actorId,
            Now = now,
        }, cancellationToken: cancellationToken));
        if (project is null)
        {
            return ProjectErrors.KeyTaken;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            InsertOwnerSql, new { ProjectId = project.Id, ActorId = actorId, Now = now }, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(ProjectsModule.SchemaName,
            new ProjectCreated(Guid.CreateVersion7(now), now, actorId, project.Id, project.Key, project.Name, project.Description), cancellationToken);
        await outbox.EnqueueAsync(ProjectsModule.SchemaName,
            new MemberAdded(Guid.CreateVersion7(now), now, actorId, project.Id, actorId, ProjectRole.Owner), cancellationToken);
        // Nobody can have asked about this id yet, but a cached "no such project" must never outlive its creation.
        await membershipCache.EvictAfterCommitAsync(project.Id);
        return project;
    }
}

internal sealed class CreateProjectEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("projects", async (CreateProjectRequest request, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
                (await sender.Send(new CreateProjectCommand(request.Key, request.Name, request.Description), cancellationToken)).Match(
                    project => Versioning.Created(ProjectResponse.LocationOf(project.Id), project, project.Version, context),
                    ApiResults.Problem))
            .WithIdempotency(ProjectsModule.SchemaName)
            .WithTags("Projects")
            .WithName("CreateProject")
            .WithSummary("Create a project; you become its owner")
            .WithDescription("key: 2 to 10 characters of A–Z and 0–9 starting with a letter, unique and immutable (it prefixes task keys). " +
                "Send an Idempotency-Key header to make retries safe: the same key by the same user within 24 hours returns the first response.")
            .RequireAuthorization()
            .Produces<ProjectResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
