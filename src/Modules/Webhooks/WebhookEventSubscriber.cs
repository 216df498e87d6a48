using Dapper;
using Microsoft.Extensions.Options;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Shared.Data;
using Orbit.Shared.Events;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// The "webhooks" consumer: for each active webhook of the event's project whose filter matches, a pending
/// delivery. It has a typed handler for every project event (each read through its contract, so a version this code
/// does not know is parked instead of being forwarded unchecked); they all do the same with the event's project.
/// It runs in the relay's transaction, so a change that rolled back (and so never reached the outbox) never gets a
/// delivery, and a redelivered event adds none twice (unique webhook_id, event_id). Sending is
/// <see cref="WebhookDispatcher"/>'s work, outside any transaction.
/// </summary>
/// <remarks>The consumer name stays "webhooks" from the time it ran inside Notifications: the publishers'
/// outbox_deliveries rows are keyed by it (ADR 0012).</remarks>
internal sealed class WebhookEventSubscriber(
    IDbSession session, IUnitOfWork unitOfWork, WebhookDispatchSignal signal, IOptions<WebhookOptions> options, TimeProvider clock)
    : IntegrationEventConsumer,
        IIntegrationEventHandler<ProjectCreated>, IIntegrationEventHandler<ProjectUpdated>, IIntegrationEventHandler<ProjectArchived>,
        IIntegrationEventHandler<ProjectRestored>, IIntegrationEventHandler<MemberAdded>, IIntegrationEventHandler<MemberRoleChanged>,
        IIntegrationEventHandler<MemberRemoved>,
        IIntegrationEventHandler<TaskCreated>, IIntegrationEventHandler<TaskUpdated>, IIntegrationEventHandler<TaskAssigned>,
        IIntegrationEventHandler<TaskStatusChanged>, IIntegrationEventHandler<TaskDeleted>, IIntegrationEventHandler<TaskRestored>,
        IIntegrationEventHandler<CommentAdded>, IIntegrationEventHandler<CommentEdited>, IIntegrationEventHandler<CommentDeleted>
{
    public const string Name = "webhooks";

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

    public override string Consumer => Name;

    public override string Schema => WebhooksModule.SchemaName;

    public Task HandleAsync(ProjectCreated e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(ProjectUpdated e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(ProjectArchived e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(ProjectRestored e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(MemberAdded e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(MemberRoleChanged e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(MemberRemoved e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(TaskCreated e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(TaskUpdated e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(TaskAssigned e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(TaskStatusChanged e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(TaskDeleted e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(TaskRestored e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(CommentAdded e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(CommentEdited e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    public Task HandleAsync(CommentDeleted e, IntegrationMessage message, CancellationToken cancellationToken) => EnqueueAsync(e.ProjectId, message, cancellationToken);

    private async Task EnqueueAsync(Guid projectId, IntegrationMessage message, CancellationToken cancellationToken)
    {
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
