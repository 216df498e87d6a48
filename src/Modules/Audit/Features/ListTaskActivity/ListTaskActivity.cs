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

namespace Orbit.Modules.Audit.Features.ListTaskActivity;

internal sealed record ListTaskActivityQuery(string TaskRef, int Limit, string? Cursor) : IQuery<Result<Page<AuditEntryResponse>>>, ITaskActivityRequest;

internal sealed class ListTaskActivityValidator : AbstractValidator<ListTaskActivityQuery>
{
    public ListTaskActivityValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.Cursor).MustBeACursorOf<ListTaskActivityQuery, long>();
    }
}

internal sealed class ListTaskActivityHandler(IDbSession session, IProjectAccess access, ICurrentUser user)
    : IQueryHandler<ListTaskActivityQuery, Result<Page<AuditEntryResponse>>>
{
    // Oldest first, keyset on id, served by entries_by_task. Comments' events carry their task, so they are included,
    // except those the reader cannot see (deleted comments; any comment of a task in the trash).
    private const string Sql = $"""
        select {AuditEntryRow.Columns}
        from audit.entries e
        where e.task_id = @TaskId and e.id > @After
          and {AuditVisibility.VisibleToMember}
        order by e.id
        limit @Take
        """;

    public async ValueTask<Result<Page<AuditEntryResponse>>> Handle(ListTaskActivityQuery query, CancellationToken cancellationToken)
    {
        var task = await AuditedTask.ResolveAsync(session, query.TaskRef, cancellationToken);
        if (task is null)
        {
            return AuditErrors.TaskNotFound;
        }

        Cursor.TryDecode<long>(query.Cursor, out var after);
        var seesTrash = await ActivityAccess.SeesTrashAsync(access, task.ProjectId, user.Id, cancellationToken);
        var connection = await session.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<AuditEntryRow>(new CommandDefinition(
            Sql, new { task.TaskId, After = after, Take = query.Limit + 1, SeesTrash = seesTrash }, cancellationToken: cancellationToken))).AsList();
        return Cursor.ToPage(rows.Select(r => r.ToResponse()).ToList(), query.Limit, e => e.Id);
    }
}

internal sealed class ListTaskActivityEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("tasks/{idOrKey}/activity", async (string idOrKey, ISender sender, HttpContext context, CancellationToken cancellationToken, int? limit, string? cursor) =>
                (await sender.Send(new ListTaskActivityQuery(idOrKey, limit ?? Cursor.DefaultLimit, cursor), cancellationToken))
                    .Match(page => ApiResults.Page(page, context), ApiResults.Problem))
            .WithTags("Activity")
            .WithName("ListTaskActivity")
            .WithSummary("A task's history, oldest first (viewer)")
            .WithDescription("Every audited event of the task and its comments: who did it, which fields changed from what to what, " +
                "and when. Rebuilt from the integration events, so it appears shortly after the change. A task in the trash is 404 except to " +
                "maintainers and owners, who read the trash; deleted comments (and the comments of a task in the trash) are left out, " +
                "their deletion is listed.")
            .RequireAuthorization()
            .Produces<Page<AuditEntryResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
