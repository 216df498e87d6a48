using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging;
using Orbit.Modules.Audit.Chain;
using Orbit.Modules.Audit.Visibility;
using Orbit.Shared.Data;
using Orbit.Shared.Events;

namespace Orbit.Modules.Audit.Recording;

/// <summary>
/// Consumes every integration event and appends one hash-chained row per event to <c>audit.entries</c>, a batch at a
/// time: the relay hands over a batch inside the transaction that also records it in <c>audit.inbox</c>, and commits;
/// nothing here commits. Per batch: the chain lock, the head, and one insert of every row (with the visibility state).
/// </summary>
internal sealed class AuditSubscriber(IDbSession session, IUnitOfWork unitOfWork, AppendSignal appended, TimeProvider clock, ILogger<AuditSubscriber> logger)
    : IntegrationEventConsumer, IEveryIntegrationEventHandler
{
    public const string ConsumerName = "audit";

    /// <summary>
    /// Serialises appends across every host until commit: ids are then assigned and committed in one order (the change
    /// feed's cursor never skips a row that commits later), and each batch chains onto the committed head. Any fixed
    /// bigint distinct from the migrator's; see docs/adr/0006.
    /// </summary>
    private const long ChainLockKey = 0x0_0B17_A0D1;

    private const string LockSql = "select pg_advisory_xact_lock(@Key)";

    // Read after the lock is held (a statement of its own, so its snapshot sees the last committed row): the head's
    // hash, an id per message (the sequence hands them out in increasing order; an unused one is a gap, which the chain
    // does not mind: rows link by hash in id order) and the messages already recorded. The primary key and
    // entries_message_id_key serve the look-ups.
    private const string HeadSql = """
        select (select e.hash from audit.entries e order by e.id desc limit 1) as PreviousHash,
               array(select nextval(pg_get_serial_sequence('audit.entries', 'id')) from generate_series(1, @Count)) as Ids,
               array(select e.message_id from audit.entries e where e.message_id = any(@MessageIds)) as AlreadyRecorded
        """;

    // Every row of the batch and the visibility state it changes (docs/adr/0009), in one statement. A task is either
    // trashed or restored here, never both: the batch's last word on it counts.
    private const string AppendSql = """
        with appended as (
            insert into audit.entries (
                id, message_id, event_type, event_version, actor_id, project_id, entity_type, entity_id, task_id, task_key,
                changes, payload, occurred_at, recorded_at, trace_id, previous_hash, hash)
            overriding system value
            select * from unnest(
                @Ids, @MessageIds, @EventTypes, @EventVersions, @ActorIds, @ProjectIds, @EntityTypes, @EntityIds, @TaskIds, @TaskKeys,
                cast(@Changes as jsonb[]), cast(@Payloads as jsonb[]), @OccurredAts, @RecordedAts, @TraceIds, @PreviousHashes, @Hashes)
        ), trashed as (
            insert into audit.trashed_tasks (task_id, project_id)
            select * from unnest(@TrashedTaskIds, @TrashedProjectIds)
            on conflict (task_id) do nothing
        ), restored as (
            delete from audit.trashed_tasks where task_id = any(@RestoredTaskIds)
        ), deleted_comments as (
            insert into audit.deleted_comments (comment_id, task_id)
            select * from unnest(@DeletedCommentIds, @DeletedCommentTaskIds)
            on conflict (comment_id) do nothing
        )
        select 1
        """;

    public override string Consumer => ConsumerName;

    public override string Schema => AuditModule.SchemaName;

    public async Task HandleBatchAsync(IReadOnlyList<IntegrationMessage> messages, CancellationToken cancellationToken)
    {
        // Read before taking the lock: an event audit cannot read fails the batch without holding up the others (the
        // relay then delivers one by one, and parks that one for audit alone).
        var facts = new List<AuditedFacts>(messages.Count);
        foreach (var message in messages)
        {
            var (read, problem) = AuditedEvents.Read(message.Type, message.Version, message.Payload);
            if (read is null)
            {
                logger.LogError("Audit cannot read {Type} v{Version} {MessageId}: '{Property}' should be {Expected}",
                    message.Type, message.Version, message.Id, problem!.Property, problem.Expected);
                throw new UnsupportedEventVersionException(message.Type, message.Version, message.Type, message.Version);
            }

            facts.Add(read);
        }

        var connection = await session.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(LockSql, new { Key = ChainLockKey }, cancellationToken: cancellationToken));
        var head = await connection.QuerySingleAsync<ChainHead>(new CommandDefinition(
            HeadSql, new { messages.Count, MessageIds = messages.Select(m => m.Id).ToArray() }, cancellationToken: cancellationToken));
        var recorded = head.AlreadyRecorded.ToHashSet();
        var ids = head.Ids.Order().ToArray();

        var entries = new List<(AuditEntryContent Entry, byte[] Hash)>(messages.Count);
        var previous = head.PreviousHash ?? AuditEntryHash.Genesis;
        var recordedAt = AuditEntryHash.ToStoredPrecision(clock.GetUtcNow().UtcDateTime);
        for (var i = 0; i < messages.Count; i++)
        {
            var (message, fact) = (messages[i], facts[i]);
            if (!recorded.Add(message.Id))
            {
                continue;
            }

            var entry = new AuditEntryContent(
                ids[i],
                message.Id,
                message.Type,
                message.Version,
                fact.ActorId,
                fact.ProjectId,
                fact.EntityType,
                fact.EntityId,
                fact.TaskId,
                fact.TaskKey,
                fact.Changes,
                message.Payload,
                AuditEntryHash.ToStoredPrecision(message.OccurredAt.UtcDateTime),
                recordedAt,
                TraceIdOf(message.TraceParent),
                previous);
            var hash = AuditEntryHash.Compute(entry);
            entries.Add((entry, hash));
            previous = hash;
        }

        if (entries.Count == 0)
        {
            return;
        }

        var visibility = AuditVisibilityChanges.Of(entries.Select(e => e.Entry));
        await connection.ExecuteAsync(new CommandDefinition(AppendSql, new
        {
            Ids = entries.Select(e => e.Entry.Id).ToArray(),
            MessageIds = entries.Select(e => e.Entry.MessageId).ToArray(),
            EventTypes = entries.Select(e => e.Entry.EventType).ToArray(),
            EventVersions = entries.Select(e => e.Entry.EventVersion).ToArray(),
            ActorIds = entries.Select(e => e.Entry.ActorId).ToArray(),
            ProjectIds = entries.Select(e => e.Entry.ProjectId).ToArray(),
            EntityTypes = entries.Select(e => e.Entry.EntityType).ToArray(),
            EntityIds = entries.Select(e => e.Entry.EntityId).ToArray(),
            TaskIds = entries.Select(e => e.Entry.TaskId).ToArray(),
            TaskKeys = entries.Select(e => e.Entry.TaskKey).ToArray(),
            Changes = entries.Select(e => e.Entry.Changes?.GetRawText()).ToArray(),
            Payloads = entries.Select(e => e.Entry.Payload.GetRawText()).ToArray(),
            OccurredAts = entries.Select(e => e.Entry.OccurredAt).ToArray(),
            RecordedAts = entries.Select(e => e.Entry.RecordedAt).ToArray(),
            TraceIds = entries.Select(e => e.Entry.TraceId).ToArray(),
            PreviousHashes = entries.Select(e => e.Entry.PreviousHash).ToArray(),
            Hashes = entries.Select(e => e.Hash).ToArray(),
            TrashedTaskIds = visibility.Trashed.Select(t => t.TaskId).ToArray(),
            TrashedProjectIds = visibility.Trashed.Select(t => t.ProjectId).ToArray(),
            RestoredTaskIds = visibility.Restored.ToArray(),
            DeletedCommentIds = visibility.DeletedComments.Select(c => c.CommentId).ToArray(),
            DeletedCommentTaskIds = visibility.DeletedComments.Select(c => c.TaskId).ToArray(),
        }, cancellationToken: cancellationToken));

        await unitOfWork.AfterCommitAsync(() =>
        {
            appended.Pulse();
            return Task.CompletedTask;
        });
    }

    /// <summary>The trace id of a W3C <c>traceparent</c>; null when there was none or it is not W3C.</summary>
    internal static string? TraceIdOf(string? traceParent) =>
        ActivityContext.TryParse(traceParent, null, out var context) ? context.TraceId.ToHexString() : null;

    private sealed class ChainHead
    {
        public byte[]? PreviousHash { get; init; }

        public long[] Ids { get; init; } = [];

        public Guid[] AlreadyRecorded { get; init; } = [];
    }
}
