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

    // Served by webhooks_by_project; a project has a handful of webhooks. Read once per project and batch (Active).
    private const string ActiveSql = """
        select id as Id, created_at as CreatedAt, events as Events from webhooks.webhooks
        where project_id = @ProjectId and disabled_at is null
        """;

    private const string InsertSql = """
        insert into webhooks.webhook_deliveries
            (id, webhook_id, event_id, event_type, occurred_at, payload, status, max_attempts, next_attempt_at, created_at)
        select d.id, d.webhook_id, @EventId, @Type, @OccurredAt, cast(@Payload as jsonb), 'pending', @MaxAttempts, @Now, @Now
        from unnest(@Ids, @WebhookIds) as d (id, webhook_id)
        on conflict (webhook_id, event_id) do nothing
        """;

    // This subscriber lives for one relay batch (a scope per batch, one transaction): a batch of one project's events
    // looks its webhooks up once, not once per event (it was one of the 7 statements a task create costs).
    private readonly Dictionary<Guid, List<ActiveWebhook>> _active = [];

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
        if (!_active.TryGetValue(projectId, out var active))
        {
            active = (await connection.QueryAsync<ActiveWebhook>(new CommandDefinition(
                ActiveSql, new { ProjectId = projectId }, cancellationToken: cancellationToken))).AsList();
            _active[projectId] = active;
        }

        // A webhook gets the events that happened once it existed, not older ones the relay happens to hand over after
        // it was registered; and those its filter names ('*': every one).
        var occurredAt = message.OccurredAt.UtcDateTime;
        var webhooks = active
            .Where(w => w.CreatedAt <= occurredAt && (w.Events.Contains(message.Type, StringComparer.Ordinal) || w.Events.Contains("*", StringComparer.Ordinal)))
            .Select(w => w.Id)
            .ToList();
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

    private sealed class ActiveWebhook
    {
        public Guid Id { get; init; }

        public DateTime CreatedAt { get; init; }

        public string[] Events { get; init; } = [];
    }
}
