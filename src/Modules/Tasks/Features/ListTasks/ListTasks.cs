using System.Globalization;
using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Authorization;
using Orbit.Modules.Tasks.Tasks;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Modules.Tasks.Features.ListTasks;

internal sealed record ListTasksQuery(
    Guid ProjectId,
    Guid UserId,
    string? Status,
    string? AssigneeId,
    string? Label,
    string? Priority,
    string? Q,
    string? DueBefore,
    DateTime? UpdatedSince,
    Guid? ParentId,
    string Sort,
    bool Deleted,
    int Limit,
    string? Cursor) : IQuery<Result<Page<TaskResponse>>>, IProjectTasksRequest
{
    /// <summary>The trash is for maintainers; the live list for every member.</summary>
    public ProjectRole RequiredRole => Deleted ? ProjectRole.Maintainer : ProjectRole.Viewer;

    public bool Changes => false;
}

/// <summary>The keyset position: the sort it belongs to, the last row's sort value (as text) and id.</summary>
internal sealed record TaskCursor(string Sort, string? Value, Guid Id);

internal sealed class ListTasksValidator : AbstractValidator<ListTasksQuery>
{
    public ListTasksValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.Sort).Must(TaskSorts.All.ContainsKey)
            .WithMessage($"sort must be one of: {string.Join(", ", TaskSorts.All.Keys)}.");
        RuleFor(q => q.Cursor).Must((q, cursor) => TaskSorts.TryReadCursor(cursor, q.Sort, out _))
            .WithMessage("cursor is not a cursor this list issued for this sort.");
        RuleFor(q => q.Status).Must(s => s is null || s.Split(',').All(v => TaskValues.TryParseStatus(v.Trim(), out _)))
            .WithMessage($"status must be one or more (comma-separated) of: {TaskValues.StatusList}.");
        RuleFor(q => q.Priority).Must(p => p is null || p.Split(',').All(v => TaskValues.TryParsePriority(v.Trim(), out _)))
            .WithMessage($"priority must be one or more (comma-separated) of: {TaskValues.PriorityList}.");
        RuleFor(q => q.AssigneeId).Must(a => a is null or "me" or "none" || Guid.TryParse(a, out _))
            .WithMessage("assigneeId must be a user id, 'me' or 'none'.");
        RuleFor(q => q.Label).MaximumLength(TaskRules.LabelMaxLength).WithMessage($"label must be at most {TaskRules.LabelMaxLength} characters.");
        RuleFor(q => q.Q).MaximumLength(200).WithMessage("q must be at most 200 characters.");
        RuleFor(q => q.DueBefore).Must(d => DueDates.TryParse(d, out _)).WithMessage("dueBefore must be a date as YYYY-MM-DD.");
    }
}

/// <summary>
/// Each sort: its ORDER BY, the keyset predicate that continues after the cursor, and the sort value to put in the
/// next cursor. Every one ends in id so the order is total, and each is served by the index named beside it
/// (db/migrations/tasks/0001), so a page deep in the list costs what the first one does.
/// </summary>
internal static class TaskSorts
{
    private const string UpdatedText = """to_char(t.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""";

    public static readonly IReadOnlyDictionary<string, (string OrderBy, string After, string Value)> All =
        new Dictionary<string, (string, string, string)>(StringComparer.Ordinal)
        {
            // tasks_by_created (tasks_trash for deleted=true); ids are UUIDv7, so id order is creation order.
            ["created"] = ("t.id", "t.id > @AfterId", "null"),
            ["-created"] = ("t.id desc", "t.id < @AfterId", "null"),
            // tasks_by_updated
            ["updated"] = ("t.updated_at, t.id", "(t.updated_at, t.id) > (cast(@AfterValue as timestamptz), @AfterId)", UpdatedText),
            ["-updated"] = ("t.updated_at desc, t.id desc", "(t.updated_at, t.id) < (cast(@AfterValue as timestamptz), @AfterId)", UpdatedText),
            // tasks_by_priority: none (0) up to urgent (4)
            ["priority"] = ("t.priority, t.id", "(t.priority, t.id) > (cast(@AfterValue as smallint), @AfterId)", "t.priority::text"),
            ["-priority"] = ("t.priority desc, t.id desc", "(t.priority, t.id) < (cast(@AfterValue as smallint), @AfterId)", "t.priority::text"),
            // tasks_by_due_asc / tasks_by_due_desc: tasks without a due date come last either way.
            ["due"] = ("coalesce(t.due_date, 'infinity'::date), t.id",
                "(coalesce(t.due_date, 'infinity'::date), t.id) > (cast(@AfterValue as date), @AfterId)", "coalesce(t.due_date, 'infinity'::date)::text"),
            ["-due"] = ("coalesce(t.due_date, '-infinity'::date) desc, t.id desc",
                "(coalesce(t.due_date, '-infinity'::date), t.id) < (cast(@AfterValue as date), @AfterId)", "coalesce(t.due_date, '-infinity'::date)::text"),
        };

    /// <summary>A cursor must come from this list with the same sort, and carry a value of the sort's type.</summary>
    public static bool TryReadCursor(string? text, string sort, out TaskCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!Cursor.TryDecode(text, out cursor) || cursor is null || cursor.Sort != sort)
        {
            return false;
        }

        var value = cursor.Value;
        return sort.TrimStart('-') switch
        {
            "created" => true,
            "updated" => DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out _),
            "priority" => short.TryParse(value, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 4,
            "due" => value is "infinity" or "-infinity" || DueDates.TryParse(value, out var d) && d is not null,
            _ => false,
        };
    }
}

internal sealed class ListTasksHandler(IDbSession session) : IQueryHandler<ListTasksQuery, Result<Page<TaskResponse>>>
{
    private const string Filters = """
        t.project_id = @ProjectId
        and (@Statuses::text[] is null or t.status = any(@Statuses))
        and (@Priorities::smallint[] is null or t.priority = any(@Priorities))
        and (@AssigneeId::uuid is null or t.assignee_id = @AssigneeId)
        and (not @Unassigned or t.assignee_id is null)
        and (@Label::text is null or tasks.lowered(t.labels) @> array[lower(@Label)])
        and (@Q::text is null or t.search @@ websearch_to_tsquery('english', @Q))
        and (@DueBefore::date is null or t.due_date < cast(@DueBefore as date))
        and (@UpdatedSince::timestamptz is null or t.updated_at >= @UpdatedSince)
        and (@ParentId::uuid is null or t.parent_id = @ParentId)
        """;

    // With parentId (a task's subtasks) the rows come from tasks_children (parent_id, id) instead of a per-project
    // sort index: a parent has few children, so they are read whole and sorted, whatever the project's size.
    public async ValueTask<Result<Page<TaskResponse>>> Handle(ListTasksQuery query, CancellationToken cancellationToken)
    {
        var sort = TaskSorts.All[query.Sort];
        TaskSorts.TryReadCursor(query.Cursor, query.Sort, out var cursor);
        var sql = $"""
            select {TaskRow.Columns}, {sort.Value} as SortValue
            from tasks.tasks t
            where {Filters}
              and t.deleted_at is {(query.Deleted ? "not null" : "null")}
              {(cursor is null ? "" : "and " + sort.After)}
            order by {sort.OrderBy}
            limit @Take
            """;

        var assignee = query.AssigneeId switch
        {
            null or "none" => (Guid?)null,
            "me" => query.UserId,
            var id => Guid.Parse(id),
        };
        var connection = await session.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ListedTaskRow>(new CommandDefinition(sql, new
        {
            query.ProjectId,
            Statuses = query.Status?.Split(',').Select(s => s.Trim()).ToArray(),
            Priorities = query.Priority?.Split(',').Select(p => (short)TaskValues.ParsePriority(p.Trim())).ToArray(),
            AssigneeId = assignee,
            Unassigned = query.AssigneeId == "none",
            Label = string.IsNullOrWhiteSpace(query.Label) ? null : query.Label.Trim(),
            Q = string.IsNullOrWhiteSpace(query.Q) ? null : query.Q,
            DueBefore = query.DueBefore,
            query.UpdatedSince,
            query.ParentId,
            AfterValue = cursor?.Value,
            AfterId = cursor?.Id,
            Take = query.Limit + 1,
        }, cancellationToken: cancellationToken))).AsList();

        var page = Cursor.ToPage(rows, query.Limit, r => new TaskCursor(query.Sort, r.SortValue, r.Id));
        return new Page<TaskResponse>(page.Items.Select(r => r.ToResponse()).ToList(), page.NextCursor);
    }
}

/// <summary>A task row with the sort value its next cursor needs.</summary>
internal sealed class ListedTaskRow : TaskRow
{
    public string? SortValue { get; init; }
}

internal sealed class ListTasksEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("projects/{projectId:guid}/tasks", async (
                    Guid projectId,
                    ICurrentUser user,
                    ISender sender,
                    HttpContext context,
                    CancellationToken cancellationToken,
                    string? status,
                    string? assigneeId,
                    string? label,
                    string? priority,
                    string? q,
                    string? dueBefore,
                    DateTime? updatedSince,
                    Guid? parentId,
                    string? sort,
                    bool? deleted,
                    int? limit,
                    string? cursor) =>
                (await sender.Send(new ListTasksQuery(projectId, user.Id, status, assigneeId, label, priority, q, dueBefore,
                        updatedSince?.ToUniversalTime(), parentId, sort ?? "created", deleted ?? false, limit ?? Cursor.DefaultLimit, cursor), cancellationToken))
                    .Match(page => ApiResults.Page(page, context), ApiResults.Problem))
            .WithTags("Tasks")
            .WithName("ListTasks")
            .WithSummary("List a project's tasks (viewer; the trash with deleted=true, maintainer)")
            .WithDescription("Filters: status and priority (comma-separated), assigneeId (a user id, me or none), label, q (full text on title " +
                "and description), dueBefore, updatedSince, parentId (the subtasks of that task). sort: created, -created, updated, -updated, priority, -priority, due, -due; " +
                "ties break by id. Keyset-paginated with limit and cursor.")
            .RequireAuthorization()
            .Produces<Page<TaskResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
