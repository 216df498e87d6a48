using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Contracts;
using Orbit.Modules.Projects.Authorization;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Projects.Resources;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Projects.Features.GetMember;

/// <summary>One member of a project, where adding one points (<c>Location</c>). Any member may read it.</summary>
internal sealed record GetMemberQuery(Guid ProjectId, Guid UserId) : IQuery<Result<MemberResponse>>, IProjectRequest
{
    public ProjectRole RequiredRole => ProjectRole.Viewer;

    public bool ChangesProject => false;
}

internal sealed class GetMemberHandler(IDbSession session, IUserDirectory users) : IQueryHandler<GetMemberQuery, Result<MemberResponse>>
{
    // Served by the primary key (project_id, user_id).
    private const string Sql = """
        select role as Role, added_at as AddedAt from projects.members where project_id = @ProjectId and user_id = @UserId
        """;

    public async ValueTask<Result<MemberResponse>> Handle(GetMemberQuery query, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Sql, new { query.ProjectId, query.UserId }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return ProjectErrors.MemberNotFound;
        }

        var user = await users.FindAsync(query.UserId, cancellationToken);
        return new MemberResponse(query.UserId, user?.DisplayName, user?.Email, ProjectRoles.FromColumn(row.Role), row.AddedAt);
    }

    private sealed record Row(string Role, DateTime AddedAt);
}

internal sealed class GetMemberEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("projects/{projectId:guid}/members/{userId:guid}", async (Guid projectId, Guid userId, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new GetMemberQuery(projectId, userId), cancellationToken)).Match(member => Results.Ok(member), ApiResults.Problem))
            .WithTags("Projects")
            .WithName("GetProjectMember")
            .WithSummary("One member of a project and their role (viewer)")
            .RequireAuthorization()
            .Produces<MemberResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
