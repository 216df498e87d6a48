using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Notifications.Features.MarkAllNotificationsRead;

internal sealed record MarkAllNotificationsReadCommand(Guid RecipientId) : ICommand<Result<MarkAllNotificationsReadResponse>>;

/// <param name="Marked">How many notifications were unread and are now read.</param>
internal sealed record MarkAllNotificationsReadResponse(int Marked);

internal sealed class MarkAllNotificationsReadHandler(IDbSession session, TimeProvider clock)
    : ICommandHandler<MarkAllNotificationsReadCommand, Result<MarkAllNotificationsReadResponse>>
{
    // Served by the partial index notifications_unread.
    private const string Sql = """
        update notifications.notifications set read_at = @Now
        where recipient_id = @RecipientId and read_at is null
        """;

    public async ValueTask<Result<MarkAllNotificationsReadResponse>> Handle(MarkAllNotificationsReadCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var marked = await connection.ExecuteAsync(new CommandDefinition(
            Sql, new { command.RecipientId, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
        return new MarkAllNotificationsReadResponse(marked);
    }
}

internal sealed class MarkAllNotificationsReadEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("notifications/read-all", async (ICurrentUser user, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new MarkAllNotificationsReadCommand(user.Id), cancellationToken))
                    .Match(value => Results.Ok(value), ApiResults.Problem))
            .WithTags("Notifications")
            .WithName("MarkAllNotificationsRead")
            .WithSummary("Mark all your unread notifications read; answers how many were marked")
            .RequireAuthorization()
            .Produces<MarkAllNotificationsReadResponse>();
}
