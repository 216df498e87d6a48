using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Webhooks.Authorization;
using Orbit.Modules.Webhooks;
using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Webhooks.Features.RedeliverWebhookDelivery;

/// <summary>
/// Sends a finished delivery (succeeded or failed) once more, at once, with the same <c>webhook-id</c>. It is one
/// attempt, not a new round of retries; if it fails, redeliver again.
/// </summary>
internal sealed record RedeliverWebhookDeliveryCommand(Guid WebhookId, Guid DeliveryId) : ICommand<Result<DeliveryResponse>>, IWebhookRequest
{
    public ProjectRole RequiredRole => ProjectRole.Maintainer;

    public bool Changes => true;
}

internal sealed class RedeliverWebhookDeliveryHandler(IDbSession session, IUnitOfWork unitOfWork, WebhookDispatchSignal signal, TimeProvider clock)
    : ICommandHandler<RedeliverWebhookDeliveryCommand, Result<DeliveryResponse>>
{
    private const string LockSql = """
        select d.status as Status, w.disabled_at is not null as WebhookDisabled
        from webhooks.webhook_deliveries d
        join webhooks.webhooks w on w.id = d.webhook_id
        where d.id = @DeliveryId and d.webhook_id = @WebhookId
        for update of d
        """;

    private const string RedeliverSql = $"""
        update webhooks.webhook_deliveries d
        set status = 'pending', next_attempt_at = @Now, max_attempts = d.attempts + 1
        where d.id = @DeliveryId
        returning {DeliveryReader.Columns}
        """;

    public async ValueTask<Result<DeliveryResponse>> Handle(RedeliverWebhookDeliveryCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<Current>(new CommandDefinition(LockSql, new { command.DeliveryId, command.WebhookId }, cancellationToken: cancellationToken));
        if (current is null)
        {
            return WebhookErrors.DeliveryNotFound;
        }

        if (current.WebhookDisabled)
        {
            return WebhookErrors.WebhookDisabled;
        }

        if (current.Status == "pending")
        {
            return WebhookErrors.DeliveryStillPending;
        }

        var row = await connection.QuerySingleAsync<DeliveryReader.DeliveryRow>(new CommandDefinition(
            RedeliverSql, new { command.DeliveryId, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
        await unitOfWork.AfterCommitAsync(() =>
        {
            signal.Notify();
            return Task.CompletedTask;
        });
        return (await DeliveryReader.WithAttemptsAsync(connection, [row], cancellationToken))[0];
    }

    private sealed record Current(string Status, bool WebhookDisabled);
}

internal sealed class RedeliverWebhookDeliveryEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("webhooks/{webhookId:guid}/deliveries/{deliveryId:guid}/redeliver", async (Guid webhookId, Guid deliveryId, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new RedeliverWebhookDeliveryCommand(webhookId, deliveryId), cancellationToken))
                    .Match(delivery => Results.Accepted(null, delivery), ApiResults.Problem))
            .WithTags("Webhooks")
            .WithName("RedeliverWebhookDelivery")
            .WithSummary("Send a finished delivery once more, with the same webhook-id (maintainer)")
            .RequireAuthorization()
            .Produces<DeliveryResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
