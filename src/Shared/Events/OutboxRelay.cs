using System.Data;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orbit.Shared.Data;
using Orbit.Shared.Messaging;

namespace Orbit.Shared.Events;

/// <summary>
/// Delivers every module's outbox to every consumer, at least once, in commit order per aggregate and consumer, each
/// consumer at its own pace.
/// <list type="bullet">
/// <item><b>Dispatch.</b> Woken by PostgreSQL <c>NOTIFY</c> once an outbox insert has committed (and by a poll), one host at a
/// time per publisher (a try-lock) hands each new message to the consumers that want it: one
/// <c>&lt;publisher&gt;.outbox_deliveries</c> row per consumer, and a <c>NOTIFY</c> naming those consumers, which wakes
/// them on every host. One statement per round, on the listening connection.</item>
/// <item><b>Delivery.</b> Each consumer runs its own loop, concurrently with the others, on a connection of its own, and
/// only when told it has work. It claims a batch of its due deliveries from the publishers it was woken for with one
/// statement (<c>FOR UPDATE SKIP LOCKED</c>, so hosts share the work; the payloads come with it), keeps only those whose
/// aggregate has no earlier delivery pending outside the batch (so follow-up events of one write go in the same round,
/// and order per aggregate holds), and handles the batch in one transaction with its inbox rows and the deletion of the
/// delivery rows: one commit per batch, not per event. After the commit it marks the messages no consumer still works
/// on (<see cref="OutboxCompletion"/>).</item>
/// <item><b>Failure.</b> A batch that fails is retried one message at a time to isolate the culprit; a failing message
/// gets attempts, backoff with jitter and finally a dead letter for that consumer only. Its aggregate's later events
/// wait for it for that consumer only; other consumers never notice.</item>
/// <item><b>Outage.</b> A round that cannot reach the database backs off with jitter up to the poll interval, and logs
/// one Warning when the outage starts and one Information when it ends; the connections are reopened.</item>
/// </list>
/// </summary>
public sealed class OutboxRelay(
    IServiceScopeFactory scopes,
    [FromKeyedServices(OutboxRelay.DataSourceKey)] NpgsqlDataSource dataSource,
    OutboxPublishers publishers,
    IOptions<OutboxRelayOptions> options,
    TimeProvider clock,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    /// <summary>
    /// Payload suffix of the notification that says "new deliveries are ready": <c>&lt;publisher&gt;:ready:audit,webhooks</c>
    /// after a dispatch (only the consumers named have work), <c>&lt;publisher&gt;:ready</c> after a replay (every consumer
    /// looks).
    /// </summary>
    public const string ReadySuffix = ":ready";

    /// <summary>The key of the relay's own <see cref="NpgsqlDataSource"/> (the host registers it).</summary>
    public const string DataSourceKey = "orbit-relay";

    /// <summary>The <c>application_name</c> of the connection that listens for the outbox notifications and dispatches.</summary>
    public const string ListenerApplicationName = "orbit-outbox-listener";

    /// <summary>How long a loop waits before looking again at deliveries held back behind another host's claim.</summary>
    private static readonly TimeSpan HeldElsewhereDelay = TimeSpan.FromMilliseconds(20);

    private static readonly Counter<long> Deliveries = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.outbox.deliveries", unit: "{delivery}", description: "Message deliveries to subscribers, by consumer and outcome.");

    private static readonly Histogram<int> BatchSizes = OrbitTelemetry.Meter.CreateHistogram(
        "orbit.outbox.batch.size", unit: "{delivery}", description: "Deliveries a consumer handled in one transaction, by consumer.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200] });

    private static readonly Counter<long> DeadLetters = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.outbox.dead_letters", unit: "{message}", description: "Messages parked as dead, by publisher and consumer.");

    private readonly OutboxRelayOptions _options = options.Value;
    private readonly PendingPublishers _dispatchWanted = new();
    private readonly OutageLog _outage = new(logger);
    private IReadOnlyList<ConsumerLoop> _consumers = [];

    // The event types the dispatcher has met, and which consumers accept each (Accepts asked once per type and host).
    // Only the dispatcher loop reads and writes these.
    private readonly List<string> _knownTypes = [];
    private readonly List<string> _pairConsumers = [];
    private readonly List<string> _pairTypes = [];

    private DateTime _lastProbe = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        _consumers = OutboxConsumers.Describe(scopes).Select(c => new ConsumerLoop(c)).ToList();
        var loops = _consumers.Select(c => Task.Run(() => RunConsumerAsync(c, stoppingToken), CancellationToken.None)).ToList();
        loops.Add(Task.Run(() => RunDispatcherAsync(stoppingToken), CancellationToken.None));
        await Task.WhenAll(loops);
    }

    // ---------------------------------------------------------------- dispatch

    private async Task RunDispatcherAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var swept = false;
        var nextPoll = 0L;
        var gatherUntil = 0L;
        NpgsqlConnection? connection = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    // (Re)open the listening connection whenever it is missing or broken (database restart, failover).
                    // Anything may have been committed while nobody listened: every publisher and consumer looks once.
                    if (connection is not { State: ConnectionState.Open })
                    {
                        if (connection is not null)
                        {
                            await CloseListenerAsync(connection);
                            connection = null;
                        }

                        connection = await OpenListenerAsync(stoppingToken);
                        _dispatchWanted.Add(publishers.All);
                        WakeConsumers(publishers.All, null);
                    }

                    if (!swept)
                    {
                        // Messages a consumer's host handled and then died before marking (OutboxCompletion).
                        foreach (var publisher in publishers.All)
                        {
                            await OutboxCompletion.SweepAsync(connection, publisher, clock.GetUtcNow().UtcDateTime, stoppingToken);
                        }

                        swept = true;
                    }

                    // Under a stream of writes, gather what arrives within the window into one round (BatchWindow).
                    if (!_dispatchWanted.IsEmpty && Environment.TickCount64 < gatherUntil)
                    {
                        await DelayAsync(TimeSpan.FromMilliseconds(gatherUntil - Environment.TickCount64), stoppingToken);
                    }

                    // The round itself is not cancelled by shutdown: the batch in hand is finished, then the loop ends.
                    var dispatched = 0;
                    var backlog = false;
                    foreach (var publisher in _dispatchWanted.Take())
                    {
                        var (claimed, again) = await DispatchAsync(connection, publisher, CancellationToken.None);
                        dispatched += claimed;
                        if (again)
                        {
                            backlog = true;
                            _dispatchWanted.Add(publisher);
                        }
                    }

                    // A round that found messages opens a window; a backlog (a full batch) is worked off without one.
                    if (dispatched > 0 && !backlog)
                    {
                        gatherUntil = Environment.TickCount64 + (long)_options.BatchWindow.TotalMilliseconds;
                    }

                    if (Environment.TickCount64 >= nextPoll)
                    {
                        await PollAsync(connection, stoppingToken);
                        nextPoll = Environment.TickCount64 + (long)_options.PollInterval.TotalMilliseconds;
                    }

                    await ProbeBacklogAsync(connection, stoppingToken);
                    failures = 0;
                    _outage.Succeeded();
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    OutboxGauges.DatabaseReachable(false);
                    _outage.Failed(exception, IsOutage(exception));
                    if (connection is not null)
                    {
                        await CloseListenerAsync(connection);
                        connection = null;
                    }

                    await DelayAsync(FailedRoundDelay(++failures), stoppingToken);
                    continue;
                }

                if (_dispatchWanted.IsEmpty)
                {
                    await WaitForNotificationAsync(connection, TimeSpan.FromMilliseconds(Math.Max(1, nextPoll - Environment.TickCount64)), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null)
            {
                await CloseListenerAsync(connection);
            }
        }
    }

    /// <summary>
    /// Hands <paramref name="publisher"/>'s next messages to their consumers, in one statement. Returns how many it
    /// took, and whether it should run again at once (it took a full batch, or met event types it had to ask the
    /// consumers about first).
    /// </summary>
    private async Task<(int Claimed, bool Again)> DispatchAsync(NpgsqlConnection connection, string publisher, CancellationToken cancellationToken)
    {
        // One dispatcher per publisher at a time (the others get nothing, they would only find the same rows): delivery
        // rows are then created in seq order, which the per-aggregate order of every consumer relies on. The statement's
        // snapshot is older than the lock; FOR UPDATE re-reads a row another host dispatched meanwhile and drops it.
        // Messages of a type this host has not met yet are not dispatched in this statement: it returns their types, the
        // consumers are asked whether they want them, and the next statement dispatches. A message no consumer wants is
        // processed at once. Served by outbox_messages_undispatched.
        var sql = $"""
            with lock as materialized (
                select pg_try_advisory_xact_lock(hashtext('orbit.outbox.dispatch.{publisher}')) as held
            ), batch as materialized (
                select m.id, m.seq, m.type, m.aggregate_id
                from "{publisher}".outbox_messages m
                where m.dispatched_at is null and m.dead_at is null and (select held from lock)
                order by m.seq
                limit @Batch
                for update
            ), unknown as (
                select coalesce(array_agg(distinct b.type), array[]::text[]) as types from batch b where b.type <> all(@Known)
            ), wanted as materialized (
                select c.consumer, b.id, b.seq, b.aggregate_id
                from batch b join unnest(@Consumers::text[], @Types::text[]) as c (consumer, type) on c.type = b.type
                where cardinality((select types from unknown)) = 0
            ), inserted as (
                insert into "{publisher}".outbox_deliveries (consumer, message_id, seq, aggregate_id)
                select consumer, id, seq, aggregate_id from wanted
                on conflict do nothing
            ), marked as (
                update "{publisher}".outbox_messages m
                set dispatched_at = @Now,
                    processed_at = case when exists (select 1 from wanted w where w.id = m.id) then null else @Now end
                from batch b
                where m.id = b.id and cardinality((select types from unknown)) = 0
                returning m.id
            ), consumers as (
                select coalesce(string_agg(distinct consumer, ','), '') as names from wanted
            ), notified as (
                select pg_notify('{Outbox.OutboxChannel}', '{publisher}{ReadySuffix}:' || names) from consumers where names <> ''
            )
            select (select count(*) from batch)::int as Claimed,
                   (select count(*) from marked)::int as Dispatched,
                   (select names from consumers) as Consumers,
                   (select types from unknown) as UnknownTypes,
                   (select count(*) from notified)::int as Notified
            """;
        var batchSize = _options.BatchSize * 4;
        var result = await connection.QuerySingleAsync<DispatchResult>(new CommandDefinition(sql, new
        {
            Batch = batchSize,
            Known = _knownTypes.ToArray(),
            Consumers = _pairConsumers.ToArray(),
            Types = _pairTypes.ToArray(),
            Now = clock.GetUtcNow().UtcDateTime,
        }, cancellationToken: cancellationToken));

        if (result.UnknownTypes is { Length: > 0 } unknown)
        {
            foreach (var type in unknown.Where(t => !_knownTypes.Contains(t, StringComparer.Ordinal)))
            {
                _knownTypes.Add(type);
                foreach (var consumer in _consumers.Where(c => c.Consumer.Accepts(type)))
                {
                    _pairConsumers.Add(consumer.Consumer.Name);
                    _pairTypes.Add(type);
                }
            }

            return (0, true);
        }

        if (!string.IsNullOrEmpty(result.Consumers))
        {
            // This host's consumers need not wait for the NOTIFY to come back.
            WakeConsumers([publisher], result.Consumers.Split(','));
        }

        return (result.Claimed, result.Claimed == batchSize);
    }

    /// <summary>
    /// Every poll interval, one statement: which publishers have messages not yet dispatched (a NOTIFY was missed, a
    /// dispatcher died) and which consumers have due deliveries (retries fell due, another host died mid-batch). Only
    /// those are woken; between polls nothing runs unless notified.
    /// </summary>
    private async Task PollAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (publishers.All.Count == 0)
        {
            return;
        }

        // Served by outbox_messages_undispatched and outbox_deliveries_pending.
        var sql = string.Join("\nunion all\n", publishers.All.Select(p => $"""
            select '{p}' as Publisher, '' as Consumer
            where exists (select 1 from "{p}".outbox_messages where dispatched_at is null and dead_at is null)
            union all
            select '{p}', c.name from unnest(@Consumers::text[]) as c (name)
            where exists (
                select 1 from "{p}".outbox_deliveries d
                where d.consumer = c.name and d.dead_at is null and (d.next_attempt_at is null or d.next_attempt_at <= @Now))
            """));
        var due = await connection.QueryAsync<(string Publisher, string Consumer)>(new CommandDefinition(sql, new
        {
            Consumers = _consumers.Select(c => c.Consumer.Name).ToArray(),
            Now = clock.GetUtcNow().UtcDateTime,
        }, cancellationToken: cancellationToken));
        foreach (var (publisher, consumer) in due)
        {
            if (consumer.Length == 0)
            {
                _dispatchWanted.Add(publisher);
            }
            else
            {
                WakeConsumers([publisher], [consumer]);
            }
        }
    }

    /// <param name="names">The consumers to wake; null for all of them.</param>
    private void WakeConsumers(IEnumerable<string> publishersWithWork, IReadOnlyCollection<string>? names)
    {
        var woken = publishersWithWork.ToList();
        foreach (var consumer in _consumers)
        {
            if (names is null || names.Contains(consumer.Consumer.Name, StringComparer.Ordinal))
            {
                consumer.Pending.Add(woken);
            }
        }
    }

    // ---------------------------------------------------------------- delivery

    private async Task RunConsumerAsync(ConsumerLoop loop, CancellationToken stoppingToken)
    {
        var failures = 0;
        NpgsqlConnection? connection = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wanted = loop.Pending.Take();
                if (wanted.Count > 0)
                {
                    RoundOutcome outcome;
                    var reused = true;
                    try
                    {
                        // One connection per loop, kept across rounds: no pool round trip and no session reset per round.
                        if (connection is not { State: ConnectionState.Open })
                        {
                            if (connection is not null)
                            {
                                await connection.DisposeAsync();
                            }

                            connection = null;
                            connection = await dataSource.OpenConnectionAsync(stoppingToken);
                            reused = false;
                        }

                        // The round itself is not cancelled by shutdown: the batch in hand is finished.
                        outcome = await DeliverBatchAsync(loop.Consumer, connection, wanted, CancellationToken.None);
                        failures = 0;
                        _outage.Succeeded();
                    }
                    catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                    {
                        loop.Pending.Add(wanted);
                        if (connection is not null)
                        {
                            await connection.DisposeAsync();
                            connection = null;
                        }

                        // A kept connection that broke while the loop was idle (the database restarted since): try once
                        // more at once on a fresh one before calling it an outage, or every outage would be logged again
                        // by each loop that wakes after it ended.
                        if (reused && failures == 0 && IsOutage(exception))
                        {
                            logger.LogDebug(exception, "Outbox consumer {Consumer} reconnects", loop.Consumer.Name);
                            continue;
                        }

                        _outage.Failed(exception, IsOutage(exception));
                        await DelayAsync(FailedRoundDelay(++failures), stoppingToken);
                        continue;
                    }

                    // A full batch: there is more, go on at once. Deliveries held back behind another host's claim: that
                    // host will finish soon, look again shortly. Otherwise wait until told.
                    if (outcome.Full.Count > 0)
                    {
                        loop.Pending.Add(outcome.Full);
                    }

                    if (outcome.HeldElsewhere.Count > 0)
                    {
                        await DelayAsync(HeldElsewhereDelay, stoppingToken);
                        loop.Pending.Add(outcome.HeldElsewhere);
                    }

                    continue;
                }

                // The dispatcher wakes us (its own dispatch, a NOTIFY from another host, or its poll).
                await loop.Pending.WaitAsync(Timeout.InfiniteTimeSpan, stoppingToken);
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// One batch of <paramref name="consumer"/>'s deliveries from <paramref name="wanted"/> publishers, claimed with one
    /// statement, handled in one transaction.
    /// </summary>
    private async Task<RoundOutcome> DeliverBatchAsync(OutboxConsumer consumer, NpgsqlConnection connection, IReadOnlyList<string> wanted, CancellationToken cancellationToken)
    {
        List<ClaimedDelivery> batch = [];
        RoundOutcome outcome = new([], []);
        var oneByOne = false;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            session.Borrow(connection);
            await session.BeginAsync(cancellationToken);
            try
            {
                var now = clock.GetUtcNow().UtcDateTime;
                var claimed = await ClaimAsync(connection, consumer, wanted, now, cancellationToken);
                batch = claimed.Where(c => c.BlockedUntil is null).ToList();
                outcome = new RoundOutcome(
                    claimed.GroupBy(c => c.Publisher).Where(g => g.Count() == _options.BatchSize && g.Any(c => c.BlockedUntil is null)).Select(g => g.Key).ToList(),
                    claimed.Where(c => c.BlockedUntil is { } until && until <= now).Select(c => c.Publisher).Distinct().ToList());
                if (batch.Count == 0)
                {
                    await session.RollbackAsync(cancellationToken);
                    return outcome;
                }

                await HandleAsync(scope.ServiceProvider, connection, consumer, batch, cancellationToken);
                await session.CommitAsync(cancellationToken);
                Deliveries.Add(batch.Count, new("orbit.consumer", consumer.Name), new("orbit.outcome", "delivered"));
                BatchSizes.Record(batch.Count, new KeyValuePair<string, object?>("orbit.consumer", consumer.Name));
            }
            catch (Exception exception) when (!IsOutage(exception) && batch.Count > 0)
            {
                await session.RollbackAsync(CancellationToken.None);
                if (batch.Count == 1)
                {
                    await RecordFailureAsync(connection, consumer, batch[0], exception, cancellationToken);
                    return outcome;
                }

                logger.LogDebug(exception, "A batch of {Count} for {Consumer} failed; delivering one by one", batch.Count, consumer.Name);
                oneByOne = true;
            }
            catch
            {
                await session.RollbackAsync(CancellationToken.None);
                throw;
            }
        }

        if (oneByOne)
        {
            await DeliverOneByOneAsync(consumer, connection, batch, cancellationToken);
            return outcome;
        }

        // After the commit, never inside it (see OutboxCompletion).
        await OutboxCompletion.MarkAsync(connection, IdsByPublisher(batch), clock.GetUtcNow().UtcDateTime, cancellationToken);
        return outcome;
    }

    /// <summary>
    /// After a failed batch: each message in its own transaction, so one poison message fails alone. A message whose
    /// aggregate had an earlier failure in this pass is left for later, so order per aggregate holds.
    /// </summary>
    private async Task DeliverOneByOneAsync(OutboxConsumer consumer, NpgsqlConnection connection, List<ClaimedDelivery> batch, CancellationToken cancellationToken)
    {
        var failedAggregates = new HashSet<Guid>();
        foreach (var delivery in batch)
        {
            if (delivery.AggregateId is { } aggregate && failedAggregates.Contains(aggregate))
            {
                continue;
            }

            var handled = false;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var session = scope.ServiceProvider.GetRequiredService<DbSession>();
                session.Borrow(connection);
                await session.BeginAsync(cancellationToken);
                try
                {
                    // Claimed again: between the failed batch and now, another host may have taken or settled it.
                    var again = await ClaimOneAsync(connection, consumer, delivery, cancellationToken);
                    if (again is null)
                    {
                        await session.RollbackAsync(cancellationToken);
                        continue;
                    }

                    await HandleAsync(scope.ServiceProvider, connection, consumer, [again], cancellationToken);
                    await session.CommitAsync(cancellationToken);
                    Deliveries.Add(1, new("orbit.consumer", consumer.Name), new("orbit.outcome", "delivered"));
                    handled = true;
                }
                catch (Exception exception) when (!IsOutage(exception))
                {
                    await session.RollbackAsync(CancellationToken.None);
                    await RecordFailureAsync(connection, consumer, delivery, exception, cancellationToken);
                    if (delivery.AggregateId is { } failed)
                    {
                        failedAggregates.Add(failed);
                    }
                }
                catch
                {
                    await session.RollbackAsync(CancellationToken.None);
                    throw;
                }
            }

            if (handled)
            {
                await OutboxCompletion.MarkAsync(connection, IdsByPublisher([delivery]), clock.GetUtcNow().UtcDateTime, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The consumer's due deliveries from each of <paramref name="wanted"/> (up to a batch from each), locked, with their
    /// messages, in one statement. A claimed row whose aggregate has an earlier live delivery outside the batch (held by
    /// another host, or backing off after a failure) comes back with <c>BlockedUntil</c> set: when that earlier one is
    /// due. Such rows are not handled this round, so no aggregate is worked on twice at once or out of order.
    /// </summary>
    private async Task<List<ClaimedDelivery>> ClaimAsync(NpgsqlConnection connection, OutboxConsumer consumer, IReadOnlyList<string> wanted, DateTime now, CancellationToken cancellationToken)
    {
        // Claim served by outbox_deliveries_pending, the earlier-row look-up by outbox_deliveries_aggregate.
        var claims = wanted.Select((publisher, i) => $"""
            c{i} as materialized (
                select d.message_id, d.seq, d.aggregate_id, d.attempts
                from "{publisher}".outbox_deliveries d
                where d.consumer = @Consumer and d.dead_at is null and (d.next_attempt_at is null or d.next_attempt_at <= @Now)
                order by d.seq
                limit @Batch
                for update skip locked
            )
            """);
        var selects = wanted.Select((publisher, i) => $"""
            select '{publisher}' as Publisher, c.message_id as MessageId, c.seq as Sequence, c.aggregate_id as AggregateId, c.attempts as Attempts,
                   m.type as Type, m.version as Version, m.payload::text as Payload, m.occurred_at as OccurredAt, m.trace_parent as TraceParent,
                   (select coalesce(l.next_attempt_at, @Now) from "{publisher}".outbox_deliveries l
                    where l.consumer = @Consumer and l.dead_at is null and l.aggregate_id = c.aggregate_id and l.seq < c.seq
                      and not exists (select 1 from c{i} k where k.message_id = l.message_id)
                    order by l.seq
                    limit 1) as BlockedUntil
            from c{i} c join "{publisher}".outbox_messages m on m.id = c.message_id
            """);
        var sql = $"with {string.Join(",\n", claims)}\n{string.Join("\nunion all\n", selects)}";
        var claimed = (await connection.QueryAsync<ClaimedDelivery>(new CommandDefinition(
            sql, new { Consumer = consumer.Name, Now = now, Batch = _options.BatchSize }, cancellationToken: cancellationToken))).AsList();
        claimed.Sort((a, b) => a.Publisher == b.Publisher ? a.Sequence.CompareTo(b.Sequence) : string.CompareOrdinal(a.Publisher, b.Publisher));
        return claimed;
    }

    private static async Task<ClaimedDelivery?> ClaimOneAsync(NpgsqlConnection connection, OutboxConsumer consumer, ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        var sql = $"""
            select '{delivery.Publisher}' as Publisher, d.message_id as MessageId, d.seq as Sequence, d.aggregate_id as AggregateId, d.attempts as Attempts,
                   m.type as Type, m.version as Version, m.payload::text as Payload, m.occurred_at as OccurredAt, m.trace_parent as TraceParent
            from "{delivery.Publisher}".outbox_deliveries d join "{delivery.Publisher}".outbox_messages m on m.id = d.message_id
            where d.consumer = @Consumer and d.message_id = @MessageId and d.dead_at is null
            for update of d skip locked
            """;
        return await connection.QuerySingleOrDefaultAsync<ClaimedDelivery>(new CommandDefinition(
            sql, new { Consumer = consumer.Name, delivery.MessageId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// In the consumer's transaction: records the batch in its inbox and deletes the delivery rows (one statement), then
    /// hands the messages it had not handled yet to the subscriber, in seq order per publisher: all at once to an
    /// <see cref="IIntegrationEventBatchSubscriber"/>, else one by one. All of it commits together or not at all.
    /// </summary>
    private static async Task HandleAsync(
        IServiceProvider services, NpgsqlConnection connection, OutboxConsumer consumer, IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken)
    {
        var byPublisher = IdsByPublisher(batch);
        var deletes = byPublisher.Keys.Select((publisher, i) => $"""
            d{i} as (delete from "{publisher}".outbox_deliveries where consumer = @Consumer and message_id = any(@Ids{i}))
            """);
        var sql = $"""
            with fresh as (
                insert into "{consumer.Schema}".inbox (message_id, consumer)
                select unnest(@Ids), @Consumer
                on conflict do nothing
                returning message_id
            ), {string.Join(",\n", deletes)}
            select message_id from fresh
            """;
        var parameters = new DynamicParameters(new { Ids = batch.Select(b => b.MessageId).ToArray(), Consumer = consumer.Name });
        var index = 0;
        foreach (var ids in byPublisher.Values)
        {
            parameters.Add($"Ids{index++}", ids);
        }

        var fresh = (await connection.QueryAsync<Guid>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToHashSet();
        if (fresh.Count == 0)
        {
            return;
        }

        var messages = batch.Where(b => fresh.Contains(b.MessageId)).Select(b => b.ToMessage()).ToList();
        var subscriber = services.GetServices<IIntegrationEventSubscriber>().Single(s => s.Consumer == consumer.Name);
        if (subscriber is IIntegrationEventBatchSubscriber batchSubscriber)
        {
            using var activity = StartDeliverySpan(messages, consumer.Name);
            try
            {
                await batchSubscriber.HandleBatchAsync(messages, cancellationToken);
                activity?.SetTag("orbit.outcome", "delivered");
            }
            catch (Exception exception)
            {
                activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
                throw;
            }

            return;
        }

        foreach (var message in messages)
        {
            using var activity = StartDeliverySpan([message], consumer.Name);
            try
            {
                await subscriber.HandleAsync(message, cancellationToken);
                activity?.SetTag("orbit.outcome", "delivered");
            }
            catch (Exception exception)
            {
                activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
                throw;
            }
        }
    }

    private static Dictionary<string, Guid[]> IdsByPublisher(IEnumerable<ClaimedDelivery> batch) =>
        batch.GroupBy(b => b.Publisher, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(b => b.MessageId).ToArray(), StringComparer.Ordinal);

    /// <summary>
    /// A span per delivery (per batch for a batch subscriber), linked to the request(s) that produced the event(s), so a
    /// webhook or an audit row can be followed back to the PATCH that caused it.
    /// </summary>
    private static Activity? StartDeliverySpan(IReadOnlyList<IntegrationMessage> messages, string consumer)
    {
        var links = messages
            .Select(m => ActivityContext.TryParse(m.TraceParent, null, out var origin) ? new ActivityLink(origin) : (ActivityLink?)null)
            .Where(l => l is not null)
            .Select(l => l!.Value)
            .ToList();
        var name = messages.Count == 1 ? $"{messages[0].Type} deliver to {consumer}" : $"{messages.Count} events deliver to {consumer}";
        var activity = OrbitTelemetry.ActivitySource.StartActivity(name, ActivityKind.Consumer, default(ActivityContext), links: links);
        activity?.SetTag("messaging.system", "orbit-outbox");
        activity?.SetTag("messaging.destination.name", consumer);
        activity?.SetTag("messaging.batch.message_count", messages.Count);
        if (messages.Count == 1)
        {
            activity?.SetTag("messaging.message.id", messages[0].Id.ToString());
        }

        activity?.SetTag("orbit.publisher", string.Join(",", messages.Select(m => m.Publisher).Distinct()));
        return activity;
    }

    private async Task RecordFailureAsync(NpgsqlConnection connection, OutboxConsumer consumer, ClaimedDelivery delivery, Exception failure, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var attempts = delivery.Attempts + 1;
        var dead = failure is UnsupportedEventVersionException || attempts >= _options.MaxAttempts;
        Deliveries.Add(1, new("orbit.consumer", consumer.Name), new("orbit.outcome", "failed"));
        if (dead)
        {
            DeadLetters.Add(1, new("orbit.publisher", delivery.Publisher), new("orbit.consumer", consumer.Name));
            logger.LogError(failure, "Parked {MessageId} from {Publisher} as dead for {Consumer} after {Attempts} attempt(s)", delivery.MessageId, delivery.Publisher, consumer.Name, attempts);
        }
        else
        {
            logger.LogWarning(failure, "Delivering {MessageId} from {Publisher} to {Consumer} failed (attempt {Attempt})", delivery.MessageId, delivery.Publisher, consumer.Name, attempts);
        }

        var sql = $"""
            update "{delivery.Publisher}".outbox_deliveries
            set attempts = @Attempts, last_error = @Error, next_attempt_at = @NextAttemptAt, dead_at = @DeadAt
            where consumer = @Consumer and message_id = @MessageId
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            Consumer = consumer.Name,
            delivery.MessageId,
            Attempts = attempts,
            Error = $"{failure.GetType().Name}: {failure.Message}",
            NextAttemptAt = dead ? (DateTime?)null : now + Backoff(attempts),
            DeadAt = dead ? now : (DateTime?)null,
        }, cancellationToken: cancellationToken));
        if (dead)
        {
            // The message may now be dead as a whole (no consumer still working on it).
            await OutboxCompletion.MarkAsync(connection, IdsByPublisher([delivery]), now, cancellationToken);
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 20));
        var capped = Math.Min(exponential, _options.MaxRetryDelay.TotalMilliseconds);
        // Full jitter on the upper half: retries of many messages do not arrive in lockstep.
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    // ---------------------------------------------------------------- gauges, listening, outages

    /// <summary>Every few seconds, one statement: per publisher and consumer, backlog, oldest pending age and dead letters.</summary>
    private async Task ProbeBacklogAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - _lastProbe < TimeSpan.FromSeconds(5) || publishers.All.Count == 0)
        {
            return;
        }

        _lastProbe = now;
        // Not yet dispatched (consumer "-"; dead: parked as a whole by the relay before per-consumer delivery) and, per
        // consumer, live and dead deliveries.
        var sql = string.Join("\nunion all\n", publishers.All.Select(p => $"""
            select '{p}' as Publisher, '-' as Consumer, count(*) as Pending,
                   extract(epoch from @Now - min(occurred_at))::float8 as OldestSeconds,
                   (select count(*) from "{p}".outbox_messages where dead_at is not null and dispatched_at is null) as Dead
            from "{p}".outbox_messages
            where dispatched_at is null and dead_at is null
            union all
            select '{p}', d.consumer, count(*) filter (where d.dead_at is null),
                   extract(epoch from @Now - min(m.occurred_at) filter (where d.dead_at is null))::float8,
                   count(*) filter (where d.dead_at is not null)
            from "{p}".outbox_deliveries d
            join "{p}".outbox_messages m on m.id = d.message_id
            group by d.consumer
            """));
        var rows = (await connection.QueryAsync<(string Publisher, string Consumer, long Pending, double? OldestSeconds, long Dead)>(new CommandDefinition(
            sql, new { Now = now }, cancellationToken: cancellationToken))).ToList();
        foreach (var publisher in publishers.All)
        {
            foreach (var consumer in _consumers.Select(c => c.Consumer.Name).Append("-"))
            {
                var row = rows.FirstOrDefault(r => r.Publisher == publisher && r.Consumer == consumer);
                OutboxGauges.Set(publisher, consumer, row.Pending, row.OldestSeconds ?? 0, row.Dead);
            }
        }

        OutboxGauges.DatabaseReachable(true);
    }

    private async Task<NpgsqlConnection> OpenListenerAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            // Notifications arrive whenever the connection reads, during the dispatcher's statements as while it waits.
            connection.Notification += (_, notification) => OnNotification(notification.Payload);
            // Named, so operators (and the outage test) can tell it in pg_stat_activity, whose query column shows the last
            // dispatch rather than the LISTEN. CloseListenerAsync takes the name and the LISTEN back before the pool has it again.
            await using var listen = new NpgsqlCommand($"listen {Outbox.OutboxChannel}; set application_name = '{ListenerApplicationName}'", connection);
            await listen.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Gives the listening connection back without its session state: pooled connections are not reset (no
    /// <c>DISCARD ALL</c>), so a connection that still listened would go on collecting notifications for whichever loop
    /// took it next. A broken connection is dropped by the pool anyway.
    /// </summary>
    private static async Task CloseListenerAsync(NpgsqlConnection connection)
    {
        if (connection.State == ConnectionState.Open)
        {
            try
            {
                await using var reset = new NpgsqlCommand("unlisten *; reset application_name", connection) { CommandTimeout = 2 };
                await reset.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                // Broken after all: the pool will not keep it.
            }
        }

        await connection.DisposeAsync();
    }

    /// <summary>
    /// "<c>tasks</c>": an outbox insert committed, dispatch. "<c>tasks:ready:audit,webhooks</c>": a dispatch (by any host)
    /// made deliveries for those consumers. "<c>tasks:ready</c>": a replay, every consumer looks.
    /// </summary>
    private void OnNotification(string payload)
    {
        var ready = payload.IndexOf(ReadySuffix, StringComparison.Ordinal);
        if (ready < 0)
        {
            if (publishers.Contains(payload))
            {
                _dispatchWanted.Add(payload);
            }

            return;
        }

        var publisher = payload[..ready];
        var rest = payload[(ready + ReadySuffix.Length)..];
        WakeConsumers([publisher], rest.StartsWith(':') ? rest[1..].Split(',') : null);
    }

    private async Task WaitForNotificationAsync(NpgsqlConnection? connection, TimeSpan timeout, CancellationToken stoppingToken)
    {
        try
        {
            if (connection is { State: ConnectionState.Open })
            {
                // Notifications arrive on the connection while it waits; OnNotification sorts them.
                await connection.WaitAsync(timeout, stoppingToken);
            }
            else
            {
                await _dispatchWanted.WaitAsync(timeout, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException)
        {
            // The next round reopens the connection, or meets the outage and backs off.
            logger.LogDebug(exception, "Outbox listener connection lost");
        }
    }

    /// <summary>Database unreachable or failing as a whole, as opposed to one message's handler failing.</summary>
    private static bool IsOutage(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException or TimeoutException } => true,
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" } => true,
        TimeoutException or IOException or System.Net.Sockets.SocketException => true,
        InvalidOperationException { InnerException: NpgsqlException inner } => IsOutage(inner),
        _ => false,
    };

    /// <summary>
    /// After a failed round: 50 ms doubling per consecutive failure up to the poll interval, with jitter on the upper
    /// half, so hosts coming back from an outage do not retry in lockstep and an outage costs a few rounds a second.
    /// </summary>
    private TimeSpan FailedRoundDelay(int failures)
    {
        var capped = Math.Min(50 * Math.Pow(2, Math.Min(failures - 1, 16)), _options.PollInterval.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class ConsumerLoop(OutboxConsumer consumer)
    {
        public OutboxConsumer Consumer { get; } = consumer;

        public PendingPublishers Pending { get; } = new();
    }

    /// <param name="Full">Publishers whose claim was a full batch: more is waiting.</param>
    /// <param name="HeldElsewhere">Publishers with deliveries held back behind an earlier one another host holds.</param>
    private sealed record RoundOutcome(IReadOnlyList<string> Full, IReadOnlyList<string> HeldElsewhere);

    private sealed class DispatchResult
    {
        public int Claimed { get; init; }

        public int Dispatched { get; init; }

        public string? Consumers { get; init; }

        public string[]? UnknownTypes { get; init; }

        public int Notified { get; init; }
    }

    private sealed class ClaimedDelivery
    {
        public string Publisher { get; init; } = "";

        public Guid MessageId { get; init; }

        public long Sequence { get; init; }

        public Guid? AggregateId { get; init; }

        public int Attempts { get; init; }

        public string Type { get; init; } = "";

        public int Version { get; init; }

        public string Payload { get; init; } = "{}";

        public DateTime OccurredAt { get; init; }

        public string? TraceParent { get; init; }

        public DateTime? BlockedUntil { get; init; }

        public IntegrationMessage ToMessage() => new(
            MessageId, Publisher, Sequence, Type, Version, AggregateId ?? Guid.Empty, new DateTimeOffset(OccurredAt, TimeSpan.Zero), TraceParent,
            System.Text.Json.JsonDocument.Parse(Payload).RootElement.Clone());
    }
}
