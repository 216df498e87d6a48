using Orbit.Shared.Validation;
using System.Globalization;
using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Authorization;
using Orbit.Modules.Tasks.Resources;
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
        RuleFor(q => q.Sort).OneOf(TaskSorts.All.Keys)
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
        RuleFor(q => q.DueBefore).HasFormat("date", d => DueDates.TryParse(d, out _)).WithMessage("dueBefore must be a date as YYYY-MM-DD.");
    }
}

/// <summary>
/// Each sort: how it keeps to the project, its ORDER BY, the keyset predicate that continues after the cursor, the sort
/// value to put in the next cursor, and where the first page starts (a value and id before every row in the sort's
/// order). Every one ends in id so the order is total, and each is served by the index named beside it
/// (db/migrations/tasks/0001), so a page deep in the list costs what the first one does.
/// <para>
/// Created order is id order, which the primary key gives too, and the planner takes it when it reckons the project's
/// rows are spread evenly through the key: on the benchmark's 1M-task project, whose rows all come after another
/// project's 10,000, the first page then read 10,000 rows to return 25 (5x slower than a page 10,000 rows deep, and a
/// full-text first page likewise). So the created sorts bound the project by a range of (project_id, id) instead of
/// project_id = @ProjectId and order by (project_id, id): only the per-project index gives that order, the range is its
/// start and end, and the planner can no longer see project_id as a constant that makes id order enough. The other
/// sorts need a per-project index for their order anyway; their lead row comparison starts the scan at the cursor.
/// </para>
/// </summary>
internal static class TaskSorts
{
    private const string UpdatedText = """to_char(t.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""";
    private const string InProject = "t.project_id = @ProjectId";

    // The lowest and highest uuid: the first page's cursor id, and the created sorts' ends of a project's range.
    private const string LowestUuid = "00000000-0000-0000-0000-000000000000";
    private const string HighestUuid = "ffffffff-ffff-ffff-ffff-ffffffffffff";
    private static readonly Guid FirstId = Guid.Parse(LowestUuid);
    private static readonly Guid LastId = Guid.Parse(HighestUuid);

    public static readonly IReadOnlyDictionary<string, TaskSort> All =
        new Dictionary<string, TaskSort>(StringComparer.Ordinal)
        {
            // tasks_by_created (tasks_trash for deleted=true); ids are UUIDv7, so id order is creation order. The start
            // takes the cursor's id on every page, so no separate after-cursor predicate.
            ["created"] = new($"(t.project_id, t.id) <= (@ProjectId, '{HighestUuid}'::uuid)", "t.project_id, t.id",
                "(t.project_id, t.id) > (@ProjectId, @AfterId)", null, "null", null, FirstId),
            ["-created"] = new($"(t.project_id, t.id) >= (@ProjectId, '{LowestUuid}'::uuid)", "t.project_id desc, t.id desc",
                "(t.project_id, t.id) < (@ProjectId, @AfterId)", null, "null", null, LastId),
            // tasks_by_updated
            ["updated"] = new(InProject, "t.updated_at, t.id", "(t.project_id, t.updated_at, t.id) > (@ProjectId, cast(@AfterValue as timestamptz), @AfterId)",
                "(t.updated_at, t.id) > (cast(@AfterValue as timestamptz), @AfterId)", UpdatedText, "-infinity", FirstId),
            ["-updated"] = new(InProject, "t.updated_at desc, t.id desc", "(t.project_id, t.updated_at, t.id) < (@ProjectId, cast(@AfterValue as timestamptz), @AfterId)",
                "(t.updated_at, t.id) < (cast(@AfterValue as timestamptz), @AfterId)", UpdatedText, "infinity", LastId),
            // tasks_by_priority: none (0) up to urgent (4)
            ["priority"] = new(InProject, "t.priority, t.id", "(t.project_id, t.priority, t.id) > (@ProjectId, cast(@AfterValue as smallint), @AfterId)",
                "(t.priority, t.id) > (cast(@AfterValue as smallint), @AfterId)", "t.priority::text", "-32768", FirstId),
            ["-priority"] = new(InProject, "t.priority desc, t.id desc", "(t.project_id, t.priority, t.id) < (@ProjectId, cast(@AfterValue as smallint), @AfterId)",
                "(t.priority, t.id) < (cast(@AfterValue as smallint), @AfterId)", "t.priority::text", "32767", LastId),
            // tasks_by_due_asc / tasks_by_due_desc: tasks without a due date come last either way.
            ["due"] = new(InProject, "coalesce(t.due_date, 'infinity'::date), t.id",
                "(t.project_id, coalesce(t.due_date, 'infinity'::date), t.id) > (@ProjectId, cast(@AfterValue as date), @AfterId)",
                "(coalesce(t.due_date, 'infinity'::date), t.id) > (cast(@AfterValue as date), @AfterId)",
                "coalesce(t.due_date, 'infinity'::date)::text", "-infinity", FirstId),
            ["-due"] = new(InProject, "coalesce(t.due_date, '-infinity'::date) desc, t.id desc",
                "(t.project_id, coalesce(t.due_date, '-infinity'::date), t.id) < (@ProjectId, cast(@AfterValue as date), @AfterId)",
                "(coalesce(t.due_date, '-infinity'::date), t.id) < (cast(@AfterValue as date), @AfterId)",
                "coalesce(t.due_date, '-infinity'::date)::text", "infinity", LastId),
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

/// <summary>
/// A sort: how it keeps to the project; ORDER BY; where the page starts (led by project_id, on every page); the keyset
/// predicate after a cursor, if the start does not already continue from it (without project_id, so that the btree
/// starts at the cursor when project_id is an equality); the cursor's value; the first page's start.
/// </summary>
internal sealed record TaskSort(string Project, string OrderBy, string Start, string? After, string Value, string? FirstValue, Guid FirstId);

internal sealed class ListTasksHandler(IDbSession session) : IQueryHandler<ListTasksQuery, Result<Page<TaskResponse>>>
{
    // Only the filters given go into the WHERE clause: one statement text per combination, each planned for what it
    // filters. ("@X is null or ..." for absent filters would leave a prepared statement's generic plan guessing.)
    private const string StatusFilter = "and t.status = any(@Statuses)";
    private const string PriorityFilter = "and t.priority = any(@Priorities)";
    private const string AssigneeFilter = "and t.assignee_id = @AssigneeId";
    private const string UnassignedFilter = "and t.assignee_id is null";
    private const string LabelFilter = "and tasks.lowered(t.labels) @> array[lower(@Label)]";
    private const string TextFilter = "and t.search @@ websearch_to_tsquery('english', @Q)";
    private const string DueBeforeFilter = "and t.due_date < cast(@DueBefore as date)";
    private const string UpdatedSinceFilter = "and t.updated_at >= @UpdatedSince";
    private const string ParentFilter = "and t.parent_id = @ParentId";

    // With parentId (a task's subtasks) the rows come from tasks_children (parent_id, id) instead of a per-project
    // sort index: a parent has few children, so they are read whole and sorted, whatever the project's size.
    public async ValueTask<Result<Page<TaskResponse>>> Handle(ListTasksQuery query, CancellationToken cancellationToken)
    {
        var sort = TaskSorts.All[query.Sort];
        TaskSorts.TryReadCursor(query.Cursor, query.Sort, out var cursor);
        var assignee = query.AssigneeId switch
        {
            null or "none" => (Guid?)null,
            "me" => query.UserId,
            var id => Guid.Parse(id),
        };
        var label = string.IsNullOrWhiteSpace(query.Label) ? null : query.Label.Trim();
        var text = string.IsNullOrWhiteSpace(query.Q) ? null : query.Q;

        var filters = new List<string>(4);
        if (query.Status is not null) filters.Add(StatusFilter);
        if (query.Priority is not null) filters.Add(PriorityFilter);
        if (assignee is not null) filters.Add(AssigneeFilter);
        if (query.AssigneeId == "none") filters.Add(UnassignedFilter);
        if (label is not null) filters.Add(LabelFilter);
        if (text is not null) filters.Add(TextFilter);
        if (query.DueBefore is not null) filters.Add(DueBeforeFilter);
        if (query.UpdatedSince is not null) filters.Add(UpdatedSinceFilter);
        if (query.ParentId is not null) filters.Add(ParentFilter);

        var sql = $"""
            select {TaskRow.Columns}, {sort.Value} as SortValue
            from tasks.tasks t
            where {sort.Project} and t.deleted_at is {(query.Deleted ? "not null" : "null")}
              and {sort.Start} {(cursor is null || sort.After is null ? "" : "and " + sort.After)}
              {string.Join(" ", filters)}
            order by {sort.OrderBy}
            limit @Take
            """;
        var connection = await session.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ListedTaskRow>(new CommandDefinition(sql, new
        {
            query.ProjectId,
            Statuses = query.Status?.Split(',').Select(s => s.Trim()).ToArray(),
            Priorities = query.Priority?.Split(',').Select(p => (short)TaskValues.ParsePriority(p.Trim())).ToArray(),
            AssigneeId = assignee,
            Label = label,
            Q = text,
            DueBefore = query.DueBefore,
            query.UpdatedSince,
            query.ParentId,
            // The first page starts before the sort's first row: the same predicate, so the same index.
            AfterValue = cursor is null ? sort.FirstValue : cursor.Value,
            AfterId = cursor?.Id ?? sort.FirstId,
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
