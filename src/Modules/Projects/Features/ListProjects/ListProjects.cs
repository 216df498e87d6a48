using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Resources;
using Orbit.Shared.Authorization;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Modules.Projects.Features.ListProjects;

/// <param name="All">Every project rather than the caller's (admins only, read-only).</param>
/// <param name="Archived">Archived projects instead of active ones.</param>
internal sealed record ListProjectsQuery(bool All, bool Archived, int Limit, string? Cursor) : IQuery<Result<Page<ProjectResponse>>>;

internal sealed class ListProjectsValidator : AbstractValidator<ListProjectsQuery>
{
    public ListProjectsValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.Cursor).MustBeACursorOf<ListProjectsQuery, Guid>();
    }
}

/// <summary>
/// all=true is the one project list that is not about the caller's memberships, so it is not an
/// <c>IProjectRequest</c>: it has this authorizer of its own, run by the same pipeline step.
/// </summary>
internal sealed class ListProjectsAuthorizer(ICurrentUser currentUser) : IRequestAuthorizer<ListProjectsQuery>
{
    public ValueTask<Error?> AuthorizeAsync(ListProjectsQuery message, CancellationToken cancellationToken) =>
        ValueTask.FromResult(message.All && !currentUser.IsAdmin ? ProjectErrors.AllNeedsAdmin : null);
}

internal sealed class ListProjectsHandler(IDbSession session, ICurrentUser currentUser) : IQueryHandler<ListProjectsQuery, Result<Page<ProjectResponse>>>
{
    // The caller's projects: keyset on project_id within the user, served by members_user (user_id, project_id);
    // each row then joins projects by primary key. Ids are UUIDv7, so this is creation order.
    private const string MineSql = $"""
        select {ProjectResponse.Columns}
        from projects.members m
        join projects.projects p on p.id = m.project_id
        where m.user_id = @UserId
          and (@After::uuid is null or m.project_id > @After)
          and (p.archived_at is not null) = @Archived
        order by m.project_id
        limit @Take
        """;

    // Every project (admins): keyset on id. Active ones walk the primary key; archived ones use projects_archived.
    private const string AllSql = $"""
        select {ProjectResponse.Columns}
        from projects.projects p
        where (@After::uuid is null or p.id > @After)
          and (p.archived_at is not null) = @Archived
        order by p.id
        limit @Take
        """;

    public async ValueTask<Result<Page<ProjectResponse>>> Handle(ListProjectsQuery query, CancellationToken cancellationToken)
    {
        Cursor.TryDecode<Guid?>(query.Cursor, out var after);
        var connection = await session.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ProjectResponse>(new CommandDefinition(
            query.All ? AllSql : MineSql,
            new { UserId = currentUser.Id, After = after, query.Archived, Take = query.Limit + 1 },
            cancellationToken: cancellationToken))).AsList();
        return Cursor.ToPage(rows, query.Limit, p => p.Id);
    }
}

internal sealed class ListProjectsEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("projects", async (ISender sender, HttpContext context, CancellationToken cancellationToken, bool? all, bool? archived, int? limit, string? cursor) =>
                (await sender.Send(new ListProjectsQuery(all ?? false, archived ?? false, limit ?? Cursor.DefaultLimit, cursor), cancellationToken))
                    .Match(page => ApiResults.Page(page, context), ApiResults.Problem))
            .WithTags("Projects")
            .WithName("ListProjects")
            .WithSummary("Projects you belong to")
            .WithDescription("Active projects you are a member of, oldest first. archived=true lists your archived ones instead " +
                "(so an owner can find one to restore). Admins may pass all=true to list every project, read-only; others get 403.")
            .RequireAuthorization()
            .Produces<Page<ProjectResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
}
