using System.Text.Json.Serialization;
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

namespace Orbit.Modules.Projects.Features.UpdateProject;

/// <summary>
/// A JSON merge patch (RFC 7396): a property that is present changes (<c>null</c> clears description), one that is
/// absent stays. The serializer calls a setter only for properties present in the body, which is how absent and null
/// are told apart without giving up typed binding (and the host's rejection of unknown properties).
/// </summary>
internal sealed class UpdateProjectRequest
{
    private string? _name;
    private string? _description;

    public string? Name
    {
        get => _name;
        set
        {
            _name = value;
            HasName = true;
        }
    }

    public string? Description
    {
        get => _description;
        set
        {
            _description = value;
            HasDescription = true;
        }
    }

    [JsonIgnore]
    public bool HasName { get; private set; }

    [JsonIgnore]
    public bool HasDescription { get; private set; }
}

/// <param name="ExpectedVersion">From If-Match; <c>null</c> when absent.</param>
internal sealed record UpdateProjectCommand(Guid ProjectId, bool HasName, string? Name, bool HasDescription, string? Description, int? ExpectedVersion)
    : ICommand<Result<ProjectResponse>>, IProjectRequest
{
    public ProjectRole RequiredRole => ProjectRole.Maintainer;

    public bool ChangesProject => true;
}

internal sealed class UpdateProjectValidator : AbstractValidator<UpdateProjectCommand>
{
    public UpdateProjectValidator()
    {
        When(c => c.HasName, () => RuleFor(c => c.Name).ValidProjectName());
        When(c => c.HasDescription, () => RuleFor(c => c.Description).ValidProjectDescription());
    }
}

internal sealed class UpdateProjectHandler(IDbSession session, Outbox outbox, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<UpdateProjectCommand, Result<ProjectResponse>>
{
    // The row lock orders concurrent edits, so each one's before/after (and the version check) is exact.
    private const string LockSql = $"""
        select {ProjectResponse.Columns}
        from projects.projects p
        where p.id = @ProjectId
        for update
        """;

    private const string UpdateSql = $"""
        update projects.projects as p
        set name = @Name, description = @Description, updated_by = @ActorId, updated_at = @Now, version = p.version + 1
        where p.id = @ProjectId
        returning {ProjectResponse.Columns}
        """;

    public async ValueTask<Result<ProjectResponse>> Handle(UpdateProjectCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<ProjectResponse>(new CommandDefinition(LockSql, new { command.ProjectId }, cancellationToken: cancellationToken));
        if (current is null)
        {
            return ProjectErrors.NotFound;
        }

        if (command.ExpectedVersion is { } expected && expected != current.Version)
        {
            return Versioning.Stale(expected, current.Version);
        }

        // The authorizer saw the project unarchived; this closes the gap to an archive that committed since.
        if (current.ArchivedAt is not null)
        {
            return ProjectErrors.Archived;
        }

        var name = command.HasName ? ProjectRules.NormalizeName(command.Name!) : current.Name;
        var description = command.HasDescription ? ProjectRules.NormalizeDescription(command.Description) : current.Description;
        var changes = new Dictionary<string, FieldChange>();
        if (name != current.Name)
        {
            changes["name"] = FieldChange.Of(current.Name, name);
        }

        if (description != current.Description)
        {
            changes["description"] = FieldChange.Of(current.Description, description);
        }

        if (changes.Count == 0)
        {
            // Nothing changes, so neither does the version: a repeated PATCH is harmless.
            return current;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var actorId = currentUser.Id;
        var updated = await connection.QuerySingleAsync<ProjectResponse>(new CommandDefinition(UpdateSql, new
        {
            command.ProjectId,
            Name = name,
            Description = description,
            ActorId = actorId,
            Now = now,
        }, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(ProjectsModule.SchemaName, new ProjectUpdated(Guid.CreateVersion7(now), now, actorId, updated.Id, changes), cancellationToken);
        return updated;
    }
}

internal sealed class UpdateProjectEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPatch("projects/{projectId:guid}", async (Guid projectId, UpdateProjectRequest request, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
            {
                var command = new UpdateProjectCommand(projectId, request.HasName, request.Name, request.HasDescription, request.Description, Versioning.IfMatchVersion(context));
                return (await sender.Send(command, cancellationToken)).Match(
                    project => Versioning.Ok(project, project.Version, context),
                    ApiResults.Problem);
            })
            .WithTags("Projects")
            .WithName("UpdateProject")
            .AcceptsIfMatch()
            .WithSummary("Change a project's name or description (maintainer)")
            .WithDescription("JSON merge patch: properties present change, absent ones stay; description: null clears it, name cannot be null. " +
                "If-Match: \"<version>\" makes the change conditional (412 when stale, nothing changed). The version goes up by one when something changed.")
            .RequireAuthorization()
            .Produces<ProjectResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
