using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging;
using Orbit.Modules.Audit.Chain;
using Orbit.Modules.Audit.Visibility;
using Orbit.Shared.Data;
using Orbit.Shared.Events;

namespace Orbit.Modules.Audit.Recording;

/// <summary>
/// Appends one hash-chained row to <c>audit.entries</c> per integration event. The outbox relay calls it inside the
/// transaction that also records the message in <c>audit.inbox</c>, and commits; nothing here commits.
/// </summary>
internal sealed class AuditSubscriber(IDbSession session, IUnitOfWork unitOfWork, AppendSignal appended, TimeProvider clock, ILogger<AuditSubscriber> logger)
    : IIntegrationEventSubscriber
{
    public const string ConsumerName = "audit";

    /// <summary>
    /// Serialises appends across every host until commit: ids are then assigned and committed in one order (the change
    /// feed's cursor never skips a row that commits later), and each row chains onto the committed head. Any fixed
    /// bigint distinct from the migrator's; see docs/adr/0006.
    /// </summary>
    private const long ChainLockKey = 0x0_0B17_A0D1;

    private const string LockSql = "select pg_advisory_xact_lock(@Key)";

    // Read after the lock is held, so the head is the last committed row. The primary key serves both look-ups.
    private const string HeadSql = """
        select nextval(pg_get_serial_sequence('audit.entries', 'id')) as NextId,
               (select e.hash from audit.entries e order by e.id desc limit 1) as PreviousHash,
               exists (select 1 from audit.entries e where e.message_id = @MessageId) as AlreadyRecorded
        """;

    private const string InsertSql = """
        insert into audit.entries (
            id, message_id, event_type, event_version, actor_id, project_id, entity_type, entity_id, task_id, task_key,
            changes, payload, occurred_at, recorded_at, trace_id, previous_hash, hash)
        overriding system value
        values (
            @Id, @MessageId, @EventType, @EventVersion, @ActorId, @ProjectId, @EntityType, @EntityId, @TaskId, @TaskKey,
            cast(@Changes as jsonb), cast(@Payload as jsonb), @OccurredAt, @RecordedAt, @TraceId, @PreviousHash, @Hash)
        """;

    public string Consumer => ConsumerName;

    public string Schema => AuditModule.SchemaName;

    /// <summary>Every event is audited; one this code cannot read fails in <see cref="HandleAsync"/>, loudly.</summary>
    public bool Accepts(string eventType) => true;

    public async Task HandleAsync(IntegrationMessage message, CancellationToken cancellationToken)
    {
        // Read before taking the lock: an event audit cannot read is parked without holding up the others.
        var (facts, problem) = AuditedEvents.Read(message.Type, message.Version, message.Payload);
        if (facts is null)
        {
            logger.LogError("Audit cannot read {Type} v{Version} {MessageId}: '{Property}' should be {Expected}",
                message.Type, message.Version, message.Id, problem!.Property, problem.Expected);
            throw new UnsupportedEventVersionException(message.Type, message.Version, message.Type, message.Version);
        }

        var connection = await session.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(LockSql, new { Key = ChainLockKey }, cancellationToken: cancellationToken));
        var head = await connection.QuerySingleAsync<ChainHead>(new CommandDefinition(
            HeadSql, new { MessageId = message.Id }, cancellationToken: cancellationToken));
        if (head.AlreadyRecorded)
        {
            return;
        }

        var entry = new AuditEntryContent(
            head.NextId,
            message.Id,
            message.Type,
            message.Version,
            facts.ActorId,
            facts.ProjectId,
            facts.EntityType,
            facts.EntityId,
            facts.TaskId,
            facts.TaskKey,
            facts.Changes,
            message.Payload,
            AuditEntryHash.ToStoredPrecision(message.OccurredAt.UtcDateTime),
            AuditEntryHash.ToStoredPrecision(clock.GetUtcNow().UtcDateTime),
            TraceIdOf(message.TraceParent),
            head.PreviousHash ?? AuditEntryHash.Genesis);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            entry.Id,
            entry.MessageId,
            entry.EventType,
            entry.EventVersion,
            entry.ActorId,
            entry.ProjectId,
            entry.EntityType,
            entry.EntityId,
            entry.TaskId,
            entry.TaskKey,
            Changes = entry.Changes?.GetRawText(),
            Payload = entry.Payload.GetRawText(),
            entry.OccurredAt,
            entry.RecordedAt,
            entry.TraceId,
            entry.PreviousHash,
            Hash = AuditEntryHash.Compute(entry),
        }, cancellationToken: cancellationToken));
        // Which tasks are in the trash and which comments are deleted, for the member reads (docs/adr/0009).
        await AuditVisibility.RecordAsync(connection, entry, cancellationToken);

        await unitOfWork.AfterCommitAsync(() =>
        {
            appended.Pulse();
            return Task.CompletedTask;
        });
    }

    /// <summary>The trace id of a W3C <c>traceparent</c>; null when there was none or it is not W3C.</summary>
    internal static string? TraceIdOf(string? traceParent) =>
        ActivityContext.TryParse(traceParent, null, out var context) ? context.TraceId.ToHexString() : null;

    private sealed record ChainHead(long NextId, byte[]? PreviousHash, bool AlreadyRecorded);
}
