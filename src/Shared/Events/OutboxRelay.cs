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
/// <item><b>Dispatch.</b> Woken by PostgreSQL <c>NOTIFY</c> when an outbox insert commits (and by a poll), one host at a
/// time per publisher (a try-lock) hands each new message to the consumers that want it: one
/// <c>&lt;publisher&gt;.outbox_deliveries</c> row per consumer, then a <c>NOTIFY</c> that wakes every host's consumers.</item>
/// <item><b>Delivery.</b> Each consumer runs its own loop, concurrently with the others. It claims a batch of its due
/// deliveries with <c>FOR UPDATE SKIP LOCKED</c> (so hosts share the work), keeps only those whose aggregate has no
/// earlier delivery pending outside the batch (so follow-up events of one write go in the same round, and order per
/// aggregate holds), and handles the batch in one transaction with its inbox rows and the deletion of the delivery
/// rows: one commit per batch, not per event.</item>
/// <item><b>Failure.</b> A batch that fails is retried one message at a time to isolate the culprit; a failing message
/// gets attempts, backoff with jitter and finally a dead letter for that consumer only. Its aggregate's later events
/// wait for it for that consumer only; other consumers never notice.</item>
/// <item><b>Outage.</b> A round that cannot reach the database backs off with jitter up to the poll interval, and logs
/// one Warning when the outage starts and one Information when it ends; the LISTEN connection is reopened.</item>
/// </list>
/// </summary>
public sealed class OutboxRelay(
    IServiceScopeFactory scopes,
    NpgsqlDataSource dataSource,
    OutboxPublishers publishers,
    IOptions<OutboxRelayOptions> options,
    TimeProvider clock,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    /// <summary>Payload suffix of the notification that says "new deliveries are ready" (after dispatch or a replay).</summary>
    public const string ReadySuffix = ":ready";

    private static readonly Counter<long> Deliveries = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.outbox.deliveries", unit: "{delivery}", description: "Message deliveries to subscribers, by consumer and outcome.");

    private static readonly Counter<long> DeadLetters = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.outbox.dead_letters", unit: "{message}", description: "Messages parked as dead, by publisher and consumer.");

    private readonly OutboxRelayOptions _options = options.Value;
    private readonly WakeSignal _dispatchWanted = new();
    private readonly OutageLog _outage = new(logger);
    private IReadOnlyList<ConsumerLoop> _consumers = [];
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
        NpgsqlConnection? listener = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var dispatched = 0;
                try
                {
                    // (Re)open the LISTEN connection whenever it is missing or broken (database restart, failover).
                    if (listener is not { State: System.Data.ConnectionState.Open })
                    {
                        if (listener is not null)
                        {
                            await listener.DisposeAsync();
                            listener = null;
                        }

                        listener = await OpenListenerAsync(stoppingToken);
                    }

                    // The round itself is not cancelled by shutdown: the batch in hand is finished, then the loop ends.
                    dispatched = await DispatchOnceAsync(CancellationToken.None);
                    await ProbeBacklogAsync(stoppingToken);
                    failures = 0;
                    _outage.Succeeded();
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    OutboxGauges.DatabaseReachable(false);
                    _outage.Failed(exception, IsOutage(exception));
                    await DelayAsync(FailedRoundDelay(++failures), stoppingToken);
                    continue;
                }

                if (dispatched > 0)
                {
                    WakeConsumers();
                    continue;
                }

                await WaitForWorkAsync(listener, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (listener is not null)
            {
                await listener.DisposeAsync();
            }
        }
    }

    /// <summary>Hands every publisher's new messages to their consumers. Returns how many messages it handed out.</summary>
    private async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var publisher in publishers.All)
        {
            total += await DispatchAsync(publisher, cancellationToken);
        }

        return total;
    }

    private async Task<int> DispatchAsync(string publisher, CancellationToken cancellationToken)
    {
        // One dispatcher per publisher at a time (the others skip, they would only find the same rows): delivery rows
        // are then created in seq order, which the per-aggregate order of every consumer relies on.
        var sql = $"""
            select id as Id, seq as Sequence, type as Type, aggregate_id as AggregateId
            from "{publisher}".outbox_messages
            where dispatched_at is null and dead_at is null
            order by seq
            limit @Batch
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                $"select pg_try_advisory_xact_lock(hashtext('orbit.outbox.dispatch.{publisher}'))", transaction: transaction, cancellationToken: cancellationToken)))
        {
            return 0;
        }

        var messages = (await connection.QueryAsync<UndispatchedMessage>(new CommandDefinition(
            sql, new { Batch = _options.BatchSize * 4 }, transaction, cancellationToken: cancellationToken))).AsList();
        if (messages.Count == 0)
        {
            return 0;
        }

        var deliveries = messages
            .SelectMany(m => _consumers.Where(c => c.Consumer.Accepts(m.Type)).Select(c => (Message: m, c.Consumer.Name)))
            .ToList();
        var insert = $"""
            insert into "{publisher}".outbox_deliveries (consumer, message_id, seq, aggregate_id)
            select * from unnest(@Consumers, @MessageIds, @Sequences, @AggregateIds)
            on conflict do nothing;
            update "{publisher}".outbox_messages set dispatched_at = @Now where id = any(@Dispatched);
            select pg_notify('{Outbox.OutboxChannel}', '{publisher}{ReadySuffix}');
            """;
        await connection.ExecuteAsync(new CommandDefinition(insert, new
        {
            Consumers = deliveries.Select(d => d.Name).ToArray(),
            MessageIds = deliveries.Select(d => d.Message.Id).ToArray(),
            Sequences = deliveries.Select(d => d.Message.Sequence).ToArray(),
            AggregateIds = deliveries.Select(d => d.Message.AggregateId).ToArray(),
            Now = clock.GetUtcNow().UtcDateTime,
            Dispatched = messages.Select(m => m.Id).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return messages.Count;
    }

    private void WakeConsumers()
    {
        foreach (var consumer in _consumers)
        {
            consumer.Wake.Set();
        }
    }

    // ---------------------------------------------------------------- delivery

    private async Task RunConsumerAsync(ConsumerLoop loop, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var progressed = false;
            try
            {
                foreach (var publisher in publishers.All)
                {
                    progressed |= await DeliverBatchAsync(loop.Consumer, publisher, CancellationToken.None) > 0;
                }

                failures = 0;
                _outage.Succeeded();
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                _outage.Failed(exception, IsOutage(exception));
                await DelayAsync(FailedRoundDelay(++failures), stoppingToken);
                continue;
            }

            // Loop at once while there is work; otherwise sleep until dispatch wakes us or the poll (retries) is due.
            if (!progressed)
            {
                await loop.Wake.WaitAsync(_options.PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>
    /// One batch of <paramref name="consumer"/>'s deliveries from <paramref name="publisher"/>. Returns how many
    /// deliveries were settled (handled, or failed and rescheduled or parked); 0 when there was nothing to do.
    /// </summary>
    private async Task<int> DeliverBatchAsync(OutboxConsumer consumer, string publisher, CancellationToken cancellationToken)
    {
        List<ClaimedDelivery> batch = [];
        await using (var scope = scopes.CreateAsyncScope())
        {
            var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
            var session = scope.ServiceProvider.GetRequiredService<IDbSession>();
            await unitOfWork.BeginAsync(cancellationToken);
            try
            {
                var connection = await session.OpenAsync(cancellationToken);
                batch = await ClaimAsync(connection, consumer, publisher, cancellationToken);
                if (batch.Count == 0)
                {
                    await unitOfWork.RollbackAsync(cancellationToken);
                    return 0;
                }

                await HandleAsync(scope.ServiceProvider, connection, consumer, publisher, batch, cancellationToken);
                await unitOfWork.CommitAsync(cancellationToken);
                Deliveries.Add(batch.Count, new("orbit.consumer", consumer.Name), new("orbit.outcome", "delivered"));
                return batch.Count;
            }
            catch (Exception exception) when (!IsOutage(exception))
            {
                await unitOfWork.RollbackAsync(CancellationToken.None);
                if (batch.Count == 0)
                {
                    throw;
                }

                if (batch.Count == 1)
                {
                    await RecordFailureAsync(consumer, publisher, batch[0], exception, cancellationToken);
                    return 1;
                }

                logger.LogDebug(exception, "A batch of {Count} for {Consumer} from {Publisher} failed; delivering one by one", batch.Count, consumer.Name, publisher);
            }
            catch
            {
                await unitOfWork.RollbackAsync(CancellationToken.None);
                throw;
            }
        }

        return await DeliverOneByOneAsync(consumer, publisher, batch, cancellationToken);
    }

    /// <summary>
    /// After a failed batch: each message in its own transaction, so one poison message fails alone. A message whose
    /// aggregate had an earlier failure in this pass is left for later, so order per aggregate holds.
    /// </summary>
    private async Task<int> DeliverOneByOneAsync(OutboxConsumer consumer, string publisher, List<ClaimedDelivery> batch, CancellationToken cancellationToken)
    {
        var failedAggregates = new HashSet<Guid>();
        var settled = 0;
        foreach (var delivery in batch)
        {
            if (delivery.AggregateId is { } aggregate && failedAggregates.Contains(aggregate))
            {
                continue;
            }

            await using var scope = scopes.CreateAsyncScope();
            var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
            var session = scope.ServiceProvider.GetRequiredService<IDbSession>();
            await unitOfWork.BeginAsync(cancellationToken);
            try
            {
                var connection = await session.OpenAsync(cancellationToken);
                // Claimed again: between the failed batch and now, another host may have taken or settled it.
                var again = await ClaimOneAsync(connection, consumer, publisher, delivery.MessageId, cancellationToken);
                if (again is null)
                {
                    await unitOfWork.RollbackAsync(cancellationToken);
                    continue;
                }

                await HandleAsync(scope.ServiceProvider, connection, consumer, publisher, [again], cancellationToken);
                await unitOfWork.CommitAsync(cancellationToken);
                Deliveries.Add(1, new("orbit.consumer", consumer.Name), new("orbit.outcome", "delivered"));
                settled++;
            }
            catch (Exception exception) when (!IsOutage(exception))
            {
                await unitOfWork.RollbackAsync(CancellationToken.None);
                await RecordFailureAsync(consumer, publisher, delivery, exception, cancellationToken);
                if (delivery.AggregateId is { } failed)
                {
                    failedAggregates.Add(failed);
                }

                settled++;
            }
            catch
            {
                await unitOfWork.RollbackAsync(CancellationToken.None);
                throw;
            }
        }

        return settled;
    }

    private async Task<List<ClaimedDelivery>> ClaimAsync(NpgsqlConnection connection, OutboxConsumer consumer, string publisher, CancellationToken cancellationToken)
    {
        // Due deliveries of this consumer in seq order, served by outbox_deliveries_pending. Rows another host holds
        // are skipped, and so are their aggregates' later rows (below), so no aggregate is worked on twice at once.
        var claimSql = $"""
            select d.message_id as MessageId, d.seq as Sequence, d.aggregate_id as AggregateId, d.attempts as Attempts
            from "{publisher}".outbox_deliveries d
            where d.consumer = @Consumer and d.dead_at is null and (d.next_attempt_at is null or d.next_attempt_at <= @Now)
            order by d.seq
            limit @Batch
            for update skip locked
            """;
        var now = clock.GetUtcNow().UtcDateTime;
        var claimed = (await connection.QueryAsync<ClaimedDelivery>(new CommandDefinition(
            claimSql, new { Consumer = consumer.Name, Now = now, Batch = _options.BatchSize }, cancellationToken: cancellationToken))).AsList();
        if (claimed.Count == 0)
        {
            return claimed;
        }

        // Every live delivery of the claimed aggregates up to the last claimed one, served by outbox_deliveries_aggregate.
        // An aggregate's claimed rows are kept while they follow each other from its earliest live row; the first
        // live row not in the batch (held by another host, backing off after a failure) stops that aggregate there.
        var aggregates = claimed.Where(c => c.AggregateId is not null).Select(c => c.AggregateId!.Value).Distinct().ToArray();
        if (aggregates.Length == 0)
        {
            return claimed;
        }

        var liveSql = $"""
            select d.aggregate_id as AggregateId, d.seq as Sequence
            from "{publisher}".outbox_deliveries d
            where d.consumer = @Consumer and d.dead_at is null and d.aggregate_id = any(@Aggregates) and d.seq <= @Last
            order by d.aggregate_id, d.seq
            """;
        var live = await connection.QueryAsync<(Guid AggregateId, long Sequence)>(new CommandDefinition(
            liveSql, new { Consumer = consumer.Name, Aggregates = aggregates, Last = claimed[^1].Sequence }, cancellationToken: cancellationToken));
        var inBatch = claimed.Select(c => c.Sequence).ToHashSet();
        var blocked = new Dictionary<Guid, long>();
        foreach (var (aggregate, sequence) in live)
        {
            if (!blocked.ContainsKey(aggregate) && !inBatch.Contains(sequence))
            {
                blocked[aggregate] = sequence;
            }
        }

        return claimed.Where(c => c.AggregateId is not { } a || !blocked.TryGetValue(a, out var stop) || c.Sequence < stop).ToList();
    }

    private static async Task<ClaimedDelivery?> ClaimOneAsync(NpgsqlConnection connection, OutboxConsumer consumer, string publisher, Guid messageId, CancellationToken cancellationToken)
    {
        var sql = $"""
            select d.message_id as MessageId, d.seq as Sequence, d.aggregate_id as AggregateId, d.attempts as Attempts
            from "{publisher}".outbox_deliveries d
            where d.consumer = @Consumer and d.message_id = @MessageId and d.dead_at is null
            for update skip locked
            """;
        return await connection.QuerySingleOrDefaultAsync<ClaimedDelivery>(new CommandDefinition(
            sql, new { Consumer = consumer.Name, MessageId = messageId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// In the consumer's transaction: records the batch in its inbox, hands the messages it had not handled yet to the
    /// subscriber in seq order, and deletes the delivery rows. All of it commits together or not at all.
    /// </summary>
    private static async Task HandleAsync(
        IServiceProvider services, NpgsqlConnection connection, OutboxConsumer consumer, string publisher, IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Select(b => b.MessageId).ToArray();
        var sql = $"""
            insert into "{consumer.Schema}".inbox (message_id, consumer)
            select unnest(@Ids), @Consumer
            on conflict do nothing
            returning message_id;
            delete from "{publisher}".outbox_deliveries where consumer = @Consumer and message_id = any(@Ids);
            """;
        var fresh = (await connection.QueryAsync<Guid>(new CommandDefinition(
            sql, new { Ids = ids, Consumer = consumer.Name }, cancellationToken: cancellationToken))).ToHashSet();
        if (fresh.Count == 0)
        {
            return;
        }

        var messagesSql = $"""
            select id as Id, seq as Sequence, type as Type, version as Version, aggregate_id as AggregateId,
                   payload::text as Payload, occurred_at as OccurredAt, trace_parent as TraceParent
            from "{publisher}".outbox_messages
            where id = any(@Ids)
            order by seq
            """;
        var messages = await connection.QueryAsync<StoredMessage>(new CommandDefinition(
            messagesSql, new { Ids = fresh.ToArray() }, cancellationToken: cancellationToken));
        var subscriber = services.GetServices<IIntegrationEventSubscriber>().Single(s => s.Consumer == consumer.Name);
        foreach (var stored in messages)
        {
            var message = stored.ToMessage(publisher);
            using var activity = StartDeliverySpan(message, consumer.Name);
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

    /// <summary>
    /// A span per delivery, linked to the request that produced the event, so a webhook or an audit row can be followed
    /// back to the PATCH that caused it.
    /// </summary>
    private static Activity? StartDeliverySpan(IntegrationMessage message, string consumer)
    {
        var links = ActivityContext.TryParse(message.TraceParent, null, out var origin) ? new[] { new ActivityLink(origin) } : null;
        var activity = OrbitTelemetry.ActivitySource.StartActivity($"{message.Type} deliver to {consumer}", ActivityKind.Consumer, default(ActivityContext), links: links);
        activity?.SetTag("messaging.system", "orbit-outbox");
        activity?.SetTag("messaging.message.id", message.Id.ToString());
        activity?.SetTag("messaging.destination.name", consumer);
        activity?.SetTag("orbit.publisher", message.Publisher);
        return activity;
    }

    private async Task RecordFailureAsync(OutboxConsumer consumer, string publisher, ClaimedDelivery delivery, Exception failure, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var attempts = delivery.Attempts + 1;
        var dead = failure is UnsupportedEventVersionException || attempts >= _options.MaxAttempts;
        Deliveries.Add(1, new("orbit.consumer", consumer.Name), new("orbit.outcome", "failed"));
        if (dead)
        {
            DeadLetters.Add(1, new("orbit.publisher", publisher), new("orbit.consumer", consumer.Name));
            logger.LogError(failure, "Parked {MessageId} from {Publisher} as dead for {Consumer} after {Attempts} attempt(s)", delivery.MessageId, publisher, consumer.Name, attempts);
        }
        else
        {
            logger.LogWarning(failure, "Delivering {MessageId} from {Publisher} to {Consumer} failed (attempt {Attempt})", delivery.MessageId, publisher, consumer.Name, attempts);
        }

        var sql = $"""
            update "{publisher}".outbox_deliveries
            set attempts = @Attempts, last_error = @Error, next_attempt_at = @NextAttemptAt, dead_at = @DeadAt
            where consumer = @Consumer and message_id = @MessageId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            Consumer = consumer.Name,
            delivery.MessageId,
            Attempts = attempts,
            Error = $"{failure.GetType().Name}: {failure.Message}",
            NextAttemptAt = dead ? (DateTime?)null : now + Backoff(attempts),
            DeadAt = dead ? now : (DateTime?)null,
        }, cancellationToken: cancellationToken));
    }

    private TimeSpan Backoff(int attempts)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 20));
        var capped = Math.Min(exponential, _options.MaxRetryDelay.TotalMilliseconds);
        // Full jitter on the upper half: retries of many messages do not arrive in lockstep.
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    // ---------------------------------------------------------------- gauges, listening, outages

    /// <summary>Every few seconds: per publisher and consumer, backlog, oldest pending age and dead letters, for the gauges.</summary>
    private async Task ProbeBacklogAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - _lastProbe < TimeSpan.FromSeconds(5))
        {
            return;
        }

        _lastProbe = now;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var publisher in publishers.All)
        {
            // Not yet dispatched (consumer "-") and, per consumer, live and dead deliveries.
            var sql = $"""
                select '-' as Consumer, count(*) as Pending,
                       extract(epoch from @Now - min(occurred_at))::float8 as OldestSeconds,
                       (select count(*) from "{publisher}".outbox_messages where dead_at is not null) as Dead
                from "{publisher}".outbox_messages
                where dispatched_at is null and dead_at is null
                union all
                select d.consumer, count(*) filter (where d.dead_at is null),
                       extract(epoch from @Now - min(m.occurred_at) filter (where d.dead_at is null))::float8,
                       count(*) filter (where d.dead_at is not null)
                from "{publisher}".outbox_deliveries d
                join "{publisher}".outbox_messages m on m.id = d.message_id
                group by d.consumer
                """;
            var rows = await connection.QueryAsync<(string Consumer, long Pending, double? OldestSeconds, long Dead)>(new CommandDefinition(
                sql, new { Now = now }, cancellationToken: cancellationToken));
            var all = rows.ToList();
            foreach (var consumer in _consumers.Select(c => c.Consumer.Name).Append("-"))
            {
                var row = all.FirstOrDefault(r => r.Consumer == consumer);
                OutboxGauges.Set(publisher, consumer, row.Pending, row.OldestSeconds ?? 0, row.Dead);
            }
        }

        OutboxGauges.DatabaseReachable(true);
    }

    private async Task<NpgsqlConnection?> OpenListenerAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            connection.Notification += (_, notification) =>
            {
                // "<publisher>" after an outbox insert commits: dispatch. "<publisher>:ready" after a dispatch (by any
                // host) or a replay: the consumers have work.
                if (notification.Payload.EndsWith(ReadySuffix, StringComparison.Ordinal))
                {
                    WakeConsumers();
                }
                else
                {
                    _dispatchWanted.Set();
                }
            };
            await using var listen = new NpgsqlCommand($"listen {Outbox.OutboxChannel}", connection);
            await listen.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task WaitForWorkAsync(NpgsqlConnection? listener, CancellationToken stoppingToken)
    {
        if (_dispatchWanted.TryConsume())
        {
            return;
        }

        try
        {
            if (listener is { State: System.Data.ConnectionState.Open })
            {
                // Notifications arrive on the listener while it waits; the handler above sorts them.
                await listener.WaitAsync(_options.PollInterval, stoppingToken);
                _dispatchWanted.TryConsume();
            }
            else
            {
                await _dispatchWanted.WaitAsync(_options.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException)
        {
            // The next round reopens the listener, or meets the outage and backs off.
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

        public WakeSignal Wake { get; } = new();
    }

    private sealed class UndispatchedMessage
    {
        public Guid Id { get; init; }

        public long Sequence { get; init; }

        public string Type { get; init; } = "";

        public Guid? AggregateId { get; init; }
    }

    private sealed class ClaimedDelivery
    {
        public Guid MessageId { get; init; }

        public long Sequence { get; init; }

        public Guid? AggregateId { get; init; }

        public int Attempts { get; init; }
    }

    private sealed class StoredMessage
    {
        public Guid Id { get; init; }

        public long Sequence { get; init; }

        public string Type { get; init; } = "";

        public int Version { get; init; }

        public Guid? AggregateId { get; init; }

        public string Payload { get; init; } = "{}";

        public DateTime OccurredAt { get; init; }

        public string? TraceParent { get; init; }

        public IntegrationMessage ToMessage(string publisher) => new(
            Id, publisher, Sequence, Type, Version, AggregateId ?? Guid.Empty, new DateTimeOffset(OccurredAt, TimeSpan.Zero), TraceParent,
            System.Text.Json.JsonDocument.Parse(Payload).RootElement.Clone());
    }
}
