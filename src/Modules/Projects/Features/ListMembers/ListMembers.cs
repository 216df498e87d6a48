using Dapper;
using FluentValidation;
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
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Modules.Projects.Features.ListMembers;

internal sealed record ListMembersQuery(Guid ProjectId, int Limit, string? Cursor) : IQuery<Result<Page<MemberResponse>>>, IProjectRequest
{
    public ProjectRole RequiredRole => ProjectRole.Viewer;

    public bool ChangesProject => false;
}

internal sealed class ListMembersValidator : AbstractValidator<ListMembersQuery>
{
    public ListMembersValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.Cursor).MustBeACursorOf<ListMembersQuery, Guid>();
    }
}

internal sealed class ListMembersHandler(IDbSession session, IUserDirectory users) : IQueryHandler<ListMembersQuery, Result<Page<MemberResponse>>>
{
    // Keyset on user_id within the project, served by the primary key (project_id, user_id). User ids are UUIDv7,
    // so this is the order in which people registered. Display names and emails come from Identity, never from its schema.
    private const string Sql = """
        select user_id as UserId, role as Role, added_at as AddedAt
        from projects.members
        where project_id = @ProjectId and (@After::uuid is null or user_id > @After)
        order by user_id
        limit @Take
        """;

    public async ValueTask<Result<Page<MemberResponse>>> Handle(ListMembersQuery query, CancellationToken cancellationToken)
    {
        Cursor.TryDecode<Guid?>(query.Cursor, out var after);
        var connection = await session.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            Sql, new { query.ProjectId, After = after, Take = query.Limit + 1 }, cancellationToken: cancellationToken))).AsList();
        var people = await users.FindManyAsync(rows.Select(r => r.UserId).ToList(), cancellationToken);
        var members = rows
            .Select(r => new MemberResponse(
                r.UserId, people.GetValueOrDefault(r.UserId)?.DisplayName, people.GetValueOrDefault(r.UserId)?.Email, ProjectRoles.FromColumn(r.Role), r.AddedAt))
            .ToList();
        return Cursor.ToPage(members, query.Limit, m => m.UserId);
    }

    private sealed record Row(Guid UserId, string Role, DateTime AddedAt);
}

internal sealed class ListMembersEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("projects/{projectId:guid}/members", async (Guid projectId, ISender sender, HttpContext context, CancellationToken cancellationToken, int? limit, string? cursor) =>
                (await sender.Send(new ListMembersQuery(projectId, limit ?? Cursor.DefaultLimit, cursor), cancellationToken))
                    .Match(page => ApiResults.Page(page, context), ApiResults.Problem))
            .WithTags("Projects")
            .WithName("ListProjectMembers")
            .WithSummary("A project's members and their roles (viewer)")
            .RequireAuthorization()
            .Produces<Page<MemberResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
