using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Authorization;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Projects.Resources;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Projects.Features.GetProject;

internal sealed record GetProjectQuery(Guid ProjectId) : IQuery<Result<ProjectResponse>>, IProjectRequest
{
    public ProjectRole RequiredRole => ProjectRole.Viewer;

    public bool ChangesProject => false;
}

internal sealed class GetProjectHandler(IDbSession session) : IQueryHandler<GetProjectQuery, Result<ProjectResponse>>
{
    private const string Sql = $"""
        select {ProjectResponse.Columns}
        from projects.projects p
        where p.id = @ProjectId
        """;

    public async ValueTask<Result<ProjectResponse>> Handle(GetProjectQuery query, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var project = await connection.QuerySingleOrDefaultAsync<ProjectResponse>(new CommandDefinition(Sql, new { query.ProjectId }, cancellationToken: cancellationToken));
        return project is null ? ProjectErrors.NotFound : project;
    }
}

internal sealed class GetProjectEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("projects/{projectId:guid}", async (Guid projectId, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
                (await sender.Send(new GetProjectQuery(projectId), cancellationToken)).Match(
                    project => Versioning.Ok(project, project.Version, context),
                    ApiResults.Problem))
            .WithTags("Projects")
            .WithName("GetProject")
            .WithSummary("Read a project (viewer)")
            .WithDescription("Archived projects stay readable. The ETag is the project's version, for If-Match on PATCH and DELETE.")
            .RequireAuthorization()
            .Produces<ProjectResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
