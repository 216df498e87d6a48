using System.ComponentModel;
using System.Text.Json;
using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Npgsql;
using Orbit.Modules.Audit.Authorization;
using Orbit.Modules.Audit.Entries;
using Orbit.Modules.Audit.Visibility;
using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Data;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Modules.Audit.Features.ChangeFeed;

/// <summary>One event of a project's change feed.</summary>
/// <param name="Id">The event's cursor: pass it as <c>after</c> (or SSE <c>Last-Event-ID</c>) to continue after it.</param>
/// <param name="Type">The event type, such as <c>task.created</c>.</param>
/// <param name="Data">The event's payload as its publisher wrote it (timestamps normalised to the API's format).</param>
[ProjectEventEnvelope("type", "data")]
internal sealed record FeedEvent(string Id, string Type, DateTime OccurredAt, JsonElement Data);

/// <param name="After">
/// A cursor (an event's <c>id</c>); null starts at the project's first event; <see cref="ChangeFeedReader.Now"/> at its
/// newest event at the moment of the read.
/// </param>
internal sealed record ReadChangeFeedQuery(Guid ProjectId, string? After, int Limit) : IQuery<Result<Page<FeedEvent>>>, IProjectActivityRequest;

internal sealed class ReadChangeFeedValidator : AbstractValidator<ReadChangeFeedQuery>
{
    public ReadChangeFeedValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.After).Must(after => after == ChangeFeedReader.Now || ChangeFeedReader.TryReadCursor(after, out _))
            .WithMessage($"after is not a cursor this feed issued (use an event's id, or {ChangeFeedReader.Now}).");
    }
}

internal sealed class ReadChangeFeedHandler(IDbSession session, IProjectAccess access, ICurrentUser user)
    : IQueryHandler<ReadChangeFeedQuery, Result<Page<FeedEvent>>>
{
    public async ValueTask<Result<Page<FeedEvent>>> Handle(ReadChangeFeedQuery query, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        if (query.After == ChangeFeedReader.Now)
        {
            // Nothing old, and the head as the cursor to continue from: the next read returns exactly what commits after this one.
            var head = await ChangeFeedReader.ReadHeadAsync(connection, query.ProjectId, cancellationToken);
            return new Page<FeedEvent>([], ChangeFeedReader.CursorOf(head));
        }

        ChangeFeedReader.TryReadCursor(query.After, out var after);
        var seesTrash = await ActivityAccess.SeesTrashAsync(access, query.ProjectId, user.Id, cancellationToken);
        var rows = await ChangeFeedReader.ReadAsync(connection, query.ProjectId, after, query.Limit + 1, seesTrash, cancellationToken);
        return ChangeFeedReader.ToPage(rows, query.Limit);
    }
}

/// <summary>
/// The feed's one query, shared by the JSON page and the Server-Sent Events stream. The cursor is the audit row id:
/// rows are appended under a lock held to commit (see AuditSubscriber), so a row becomes visible only after every
/// row with a smaller id, and "id greater than the cursor" misses nothing and repeats nothing.
/// </summary>
internal static class ChangeFeedReader
{
    /// <summary>The reserved <c>after</c> value: start at the project's newest event as of the request.</summary>
    public const string Now = "now";

    // Commit order, served by entries_by_project. Events the reader may not see are left out (AuditVisibility); the
    // cursor still only moves to events read. Hidden rows cannot pile up after the last visible one: what hides a
    // task's or a comment's events is its deletion, and that event itself is visible.
    private const string Sql = $"""
        select e.id as Id, e.event_type as Type, e.occurred_at as OccurredAt, e.payload::text as Data
        from audit.entries e
        where e.project_id = @ProjectId and e.id > @After
          and {AuditVisibility.VisibleToMember}
        order by e.id
        limit @Take
        """;

    // The newest committed row is the head: a row committed later has a greater id (rows commit in id order, see above),
    // so "id greater than the head" is exactly what happens from now on. Served by entries_by_project (project_id, id).
    private const string HeadSql = """
        select coalesce(max(e.id), 0)
        from audit.entries e
        where e.project_id = @ProjectId
        """;

    public static bool TryReadCursor(string? cursor, out long after)
    {
        var valid = Cursor.TryDecode<long>(cursor, out after);
        return valid && after >= 0;
    }

    public static string CursorOf(long id) => Cursor.Encode(id);

    /// <param name="seesTrash">Whether the reader may read the project's trash (<see cref="ActivityAccess.SeesTrashAsync"/>).</param>
    public static async Task<List<FeedEvent>> ReadAsync(
        NpgsqlConnection connection, Guid projectId, long after, int take, bool seesTrash, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            Sql, new { ProjectId = projectId, After = after, Take = take, SeesTrash = seesTrash }, cancellationToken: cancellationToken));
        return rows.Select(r => new FeedEvent(CursorOf(r.Id), r.Type, r.OccurredAt, JsonColumn.Parse(IntegrationEventJson.Normalize(r.Data))!.Value)).ToList();
    }

    public static Task<long> ReadHeadAsync(NpgsqlConnection connection, Guid projectId, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(HeadSql, new { ProjectId = projectId }, cancellationToken: cancellationToken));

    /// <summary>The <c>limit + 1</c>'th row proves a next page; its cursor is the last item's id.</summary>
    public static Page<FeedEvent> ToPage(List<FeedEvent> rows, int limit) =>
        rows.Count <= limit ? new Page<FeedEvent>(rows, null) : new Page<FeedEvent>(rows.Take(limit).ToList(), rows[limit - 1].Id);

    private sealed record Row(long Id, string Type, DateTime OccurredAt, string Data);
}

internal sealed class ReadChangeFeedEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("projects/{projectId:guid}/events", async (Guid projectId, ISender sender, HttpContext context, CancellationToken cancellationToken,
                [Description(AfterDescription)] string? after, int? limit) =>
            {
                if (ChangeFeedStream.IsRequested(context.Request))
                {
                    return await ChangeFeedStream.RunAsync(context, sender, projectId, after, cancellationToken);
                }

                return (await sender.Send(new ReadChangeFeedQuery(projectId, after, limit ?? Cursor.DefaultLimit), cancellationToken))
                    .Match(page => PageWithNextLink(page, context), ApiResults.Problem);
            })
            .WithTags("Activity")
            .WithName("ReadChangeFeed")
            .WithSummary("Every event of the project in commit order, oldest first, resumable from a cursor (viewer)")
            .WithDescription(
                "JSON: a page of events after `after` (each event's `id` is a cursor; `nextCursor` is set while more are waiting, " +
                "and a client that has caught up resumes from the last event's id). `after=now` starts at the project's newest event " +
                "at the moment of the request: the JSON page is then empty and its `nextCursor` is that position (the head), so " +
                "reading on from it returns exactly the events committed afterwards. With `Accept: text/event-stream` the response " +
                "stays open as Server-Sent Events: first every event after `after` (none with `after=now`; the `Last-Event-ID` header wins over `after`), then " +
                "new ones as they commit, each with `id:` set to its cursor, `event:` its type and `data:` the same JSON as a page item, and a " +
                "`: keep-alive` comment every 15 s. Membership is re-checked every 15 s; a removed member's stream then ends. " +
                "Events the reader cannot see elsewhere are left out: those of tasks in the trash (maintainers and owners see them), " +
                "of deleted comments and of the comments of tasks in the trash; `task.deleted`, `task.restored` and `comment.deleted` reach every member. " +
                "The credential is re-checked every 3 s and the stream ends at the access token's expiry: its last message is then `event: session.ended` with " +
                "`data: {\"reason\": ...}` (`token_expired`, `user_disabled`, `token_revoked`, `signed_out`), so the client re-authenticates.")
            .RequireAuthorization()
            .Produces<Page<FeedEvent>>(StatusCodes.Status200OK, "application/json")
            .WithMetadata(new ServerSentEventsMetadata(typeof(FeedEvent)))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    private const string AfterDescription =
        "Continue after this cursor (an event's `id`, or a page's `nextCursor`); without it the feed starts at the project's " +
        "first event. The reserved value `now` starts at the newest event at the moment of the request: only what commits " +
        "afterwards is returned.";

    /// <summary>Like <see cref="ApiResults.Page{T}"/>, but the feed's cursor parameter is <c>after</c>.</summary>
    private static IResult PageWithNextLink(Page<FeedEvent> page, HttpContext context)
    {
        if (page.NextCursor is not null)
        {
            var request = context.Request;
            var query = QueryString.Create(request.Query
                .Where(q => !q.Key.Equals("after", StringComparison.OrdinalIgnoreCase))
                .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
                .Append(new KeyValuePair<string, string?>("after", page.NextCursor)));
            context.Response.Headers.Append(HeaderNames.Link, $"<{UriHelper.BuildRelative(request.PathBase, request.Path, query)}>; rel=\"next\"");
        }

        return TypedResults.Ok(page);
    }
}
