using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Notifications.InApp;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Modules.Notifications.Features.ListNotifications;

/// <summary>The caller's own notifications; the recipient filter is the whole authorization.</summary>
internal sealed record ListNotificationsQuery(Guid RecipientId, bool UnreadOnly, int Limit, string? Cursor) : IQuery<Result<Page<NotificationResponse>>>;

internal sealed class ListNotificationsValidator : AbstractValidator<ListNotificationsQuery>
{
    public ListNotificationsValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.Cursor).MustBeACursorOf<ListNotificationsQuery, Guid>();
    }
}

internal sealed class ListNotificationsHandler(IDbSession session) : IQueryHandler<ListNotificationsQuery, Result<Page<NotificationResponse>>>
{
    // Newest first, keyset on id (UUIDv7) descending, served by notifications_by_recipient.
    private const string AllSql = $"""
        select {NotificationResponse.Columns}
        from notifications.notifications n
        where n.recipient_id = @RecipientId and (@Before::uuid is null or n.id < @Before)
        order by n.id desc
        limit @Take
        """;

    // The same over unread ones only, served by the partial index notifications_unread.
    private const string UnreadSql = $"""
        select {NotificationResponse.Columns}
        from notifications.notifications n
        where n.recipient_id = @RecipientId and n.read_at is null and (@Before::uuid is null or n.id < @Before)
        order by n.id desc
        limit @Take
        """;

    public async ValueTask<Result<Page<NotificationResponse>>> Handle(ListNotificationsQuery query, CancellationToken cancellationToken)
    {
        Cursor.TryDecode<Guid?>(query.Cursor, out var before);
        var connection = await session.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<NotificationResponse>(new CommandDefinition(
            query.UnreadOnly ? UnreadSql : AllSql,
            new { query.RecipientId, Before = before, Take = query.Limit + 1 },
            cancellationToken: cancellationToken))).AsList();
        return Cursor.ToPage(rows, query.Limit, n => n.Id);
    }
}

internal sealed class ListNotificationsEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("notifications", async (ICurrentUser user, ISender sender, HttpContext context, CancellationToken cancellationToken, bool? unread, int? limit, string? cursor) =>
                (await sender.Send(new ListNotificationsQuery(user.Id, unread ?? false, limit ?? Cursor.DefaultLimit, cursor), cancellationToken))
                    .Match(page => ApiResults.Page(page, context), ApiResults.Problem))
            .WithTags("Notifications")
            .WithName("ListNotifications")
            .WithSummary("Your notifications, newest first (?unread=true for unread only)")
            .WithDescription("You are notified when a task is assigned to you, when someone comments on a task you created or are assigned, " +
                "and when a comment mentions you as @Display Name. Never about your own actions.")
            .RequireAuthorization()
            .Produces<Page<NotificationResponse>>()
            .ProducesValidationProblem();
}
