using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Audit.Authorization;
using Orbit.Modules.Audit.Entries;
using Orbit.Modules.Audit.Visibility;
using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Modules.Audit.Features.ListProjectActivity;

internal sealed record ListProjectActivityQuery(Guid ProjectId, int Limit, string? Cursor) : IQuery<Result<Page<AuditEntryResponse>>>, IProjectActivityRequest;

internal sealed class ListProjectActivityValidator : AbstractValidator<ListProjectActivityQuery>
{
    public ListProjectActivityValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.Cursor).MustBeACursorOf<ListProjectActivityQuery, long>();
    }
}

internal sealed class ListProjectActivityHandler(IDbSession session, IProjectAccess access, ICurrentUser user)
    : IQueryHandler<ListProjectActivityQuery, Result<Page<AuditEntryResponse>>>
{
    // Newest first, keyset on id, served by entries_by_project (scanned backwards); what the reader may not see is left out.
    private const string Sql = $"""
        select {AuditEntryRow.Columns}
        from audit.entries e
        where e.project_id = @ProjectId and (@Before::bigint is null or e.id < @Before)
          and {AuditVisibility.VisibleToMember}
        order by e.id desc
        limit @Take
        """;

    public async ValueTask<Result<Page<AuditEntryResponse>>> Handle(ListProjectActivityQuery query, CancellationToken cancellationToken)
    {
        Cursor.TryDecode<long?>(query.Cursor, out var before);
        var seesTrash = await ActivityAccess.SeesTrashAsync(access, query.ProjectId, user.Id, cancellationToken);
        var connection = await session.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<AuditEntryRow>(new CommandDefinition(
            Sql, new { query.ProjectId, Before = before, Take = query.Limit + 1, SeesTrash = seesTrash }, cancellationToken: cancellationToken))).AsList();
        return Cursor.ToPage(rows.Select(r => r.ToResponse()).ToList(), query.Limit, e => e.Id);
    }
}

internal sealed class ListProjectActivityEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("projects/{projectId:guid}/activity", async (Guid projectId, ISender sender, HttpContext context, CancellationToken cancellationToken, int? limit, string? cursor) =>
                (await sender.Send(new ListProjectActivityQuery(projectId, limit ?? Cursor.DefaultLimit, cursor), cancellationToken))
                    .Match(page => ApiResults.Page(page, context), ApiResults.Problem))
            .WithTags("Activity")
            .WithName("ListProjectActivity")
            .WithSummary("A project's history, newest first (viewer)")
            .WithDescription("Every audited event of the project: the project itself, its members, its tasks and their comments. " +
                "What the reader cannot see elsewhere is left out: events of tasks in the trash (shown to maintainers and owners), " +
                "of deleted comments and of the comments of tasks in the trash; the deletions and restores themselves are listed for every member.")
            .RequireAuthorization()
            .Produces<Page<AuditEntryResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
