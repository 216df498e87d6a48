using Dapper;
using Microsoft.Extensions.Options;
using Orbit.Shared.Data;
using Orbit.Shared.Events;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// The "webhooks" consumer: for each active webhook of the event's project whose filter matches, a pending
/// delivery. It runs in the relay's transaction, so a change that rolled back (and so never reached the outbox)
/// never gets a delivery, and a redelivered event adds none twice (unique webhook_id, event_id).
/// Sending is <see cref="WebhookDispatcher"/>'s work, outside any transaction.
/// </summary>
internal sealed class WebhookEventSubscriber(
    IDbSession session, IUnitOfWork unitOfWork, WebhookDispatchSignal signal, IOptions<WebhookOptions> options, TimeProvider clock)
    : IIntegrationEventSubscriber
{
    // Served by webhooks_by_project; a project has a handful of webhooks. A webhook gets the events that happened
    // once it existed, not older ones the relay happens to hand over after it was registered.
    private const string MatchingSql = """
        select id from webhooks.webhooks
        where project_id = @ProjectId and disabled_at is null and created_at <= @OccurredAt and (@Type = any(events) or '*' = any(events))
        """;

    private const string InsertSql = """
        insert into webhooks.webhook_deliveries
            (id, webhook_id, event_id, event_type, occurred_at, payload, status, max_attempts, next_attempt_at, created_at)
        select d.id, d.webhook_id, @EventId, @Type, @OccurredAt, cast(@Payload as jsonb), 'pending', @MaxAttempts, @Now, @Now
        from unnest(@Ids, @WebhookIds) as d (id, webhook_id)
        on conflict (webhook_id, event_id) do nothing
        """;

    public string Consumer => "webhooks";

    public string Schema => WebhooksModule.SchemaName;

    public bool Accepts(string eventType) => WebhookEventTypes.IsKnown(eventType);

    public async Task HandleAsync(IntegrationMessage message, CancellationToken cancellationToken)
    {
        var projectId = WebhookEventTypes.ProjectIdOf(message);
        var connection = await session.OpenAsync(cancellationToken);
        var webhooks = (await connection.QueryAsync<Guid>(new CommandDefinition(
            MatchingSql, new { ProjectId = projectId, message.Type, OccurredAt = message.OccurredAt.UtcDateTime }, cancellationToken: cancellationToken))).AsList();
        if (webhooks.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            Ids = webhooks.Select(_ => Guid.CreateVersion7(now)).ToArray(),
            WebhookIds = webhooks.ToArray(),
            EventId = message.Id,
            message.Type,
            OccurredAt = message.OccurredAt.UtcDateTime,
            Payload = message.Payload.GetRawText(),
            options.Value.MaxAttempts,
            Now = now,
        }, cancellationToken: cancellationToken));
        await unitOfWork.AfterCommitAsync(() =>
        {
            signal.Notify();
            return Task.CompletedTask;
        });
    }
}
