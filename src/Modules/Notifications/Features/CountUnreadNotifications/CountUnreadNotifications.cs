using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Notifications.Features.CountUnreadNotifications;

/// <summary>The badge on the bell: how many of the caller's notifications are unread. The recipient filter is the whole authorization.</summary>
internal sealed record CountUnreadNotificationsQuery(Guid RecipientId) : IQuery<Result<UnreadCountResponse>>;

internal sealed record UnreadCountResponse(int Count);

internal sealed class CountUnreadNotificationsHandler(IDbSession session) : IQueryHandler<CountUnreadNotificationsQuery, Result<UnreadCountResponse>>
{
    // Served by the partial index notifications_unread (recipient_id, id desc) where read_at is null: an index-only
    // count over the unread few, however many read ones a user has piled up.
    private const string Sql = """
        select count(*) from notifications.notifications where recipient_id = @RecipientId and read_at is null
        """;

    public async ValueTask<Result<UnreadCountResponse>> Handle(CountUnreadNotificationsQuery query, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Sql, new { query.RecipientId }, cancellationToken: cancellationToken));
        return new UnreadCountResponse((int)Math.Min(count, int.MaxValue));
    }
}

internal sealed class CountUnreadNotificationsEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("notifications/unread-count", async (ICurrentUser user, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new CountUnreadNotificationsQuery(user.Id), cancellationToken)).Match(count => Results.Ok(count), ApiResults.Problem))
            .WithTags("Notifications")
            .WithName("CountUnreadNotifications")
            .WithSummary("How many of your notifications are unread")
            .RequireAuthorization()
            .Produces<UnreadCountResponse>();
}
