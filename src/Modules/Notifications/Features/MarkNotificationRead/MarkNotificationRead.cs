using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Notifications.InApp;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Notifications.Features.MarkNotificationRead;

/// <summary>Idempotent: marking a read notification again keeps its first read time.</summary>
internal sealed record MarkNotificationReadCommand(Guid RecipientId, Guid NotificationId) : ICommand<Result<NotificationResponse>>;

internal sealed class MarkNotificationReadHandler(IDbSession session, TimeProvider clock) : ICommandHandler<MarkNotificationReadCommand, Result<NotificationResponse>>
{
    // Someone else's notification matches no row, so it answers 404 exactly like one that does not exist.
    private const string Sql = $"""
        update notifications.notifications n set read_at = coalesce(n.read_at, @Now)
        where n.id = @NotificationId and n.recipient_id = @RecipientId
        returning {NotificationResponse.Columns}
        """;

    public async ValueTask<Result<NotificationResponse>> Handle(MarkNotificationReadCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var notification = await connection.QuerySingleOrDefaultAsync<NotificationResponse>(new CommandDefinition(
            Sql, new { command.NotificationId, command.RecipientId, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
        return notification is null ? NotificationErrors.NotificationNotFound : notification;
    }
}

internal sealed class MarkNotificationReadEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("notifications/{notificationId:guid}/read", async (Guid notificationId, ICurrentUser user, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new MarkNotificationReadCommand(user.Id, notificationId), cancellationToken))
                    .Match(value => Results.Ok(value), ApiResults.Problem))
            .WithTags("Notifications")
            .WithName("MarkNotificationRead")
            .WithSummary("Mark one of your notifications read (idempotent)")
            .RequireAuthorization()
            .Produces<NotificationResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
