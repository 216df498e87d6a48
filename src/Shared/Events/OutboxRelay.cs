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
/// Delivers every module's outbox to every subscriber, at least once, and in commit order per aggregate.
/// <list type="bullet">
/// <item>Woken by PostgreSQL <c>NOTIFY</c> when an outbox insert commits, and by a short poll for retries.</item>
/// <item>Claims messages with <c>FOR UPDATE SKIP LOCKED</c>, so any number of hosts can relay side by side; a message
/// whose aggregate has an earlier pending message waits for it.</item>
/// <item>Each subscriber handles a message in its own transaction that also records it in the subscriber's inbox:
/// a redelivery (after a crash between handling and marking, or a retry after another subscriber failed) is
/// skipped there.</item>
/// <item>A failure is retried with exponential backoff and jitter; after <see cref="OutboxRelayOptions.MaxAttempts"/>
/// (at once for an unknown event version) the message is parked as dead, and the messages behind it flow on.</item>
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
    private static readonly Counter<long> Deliveries = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.outbox.deliveries", unit: "{delivery}", description: "Message deliveries to subscribers, by consumer and outcome.");

    private static readonly Counter<long> DeadLetters = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.outbox.dead_letters", unit: "{message}", description: "Messages parked as dead, by publisher.");

    private readonly OutboxRelayOptions _options = options.Value;
    private DateTime _lastProbe = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        NpgsqlConnection? listener = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // (Re)open the LISTEN connection whenever it is missing or broken (database restart, failover).
                if (listener is not { State: System.Data.ConnectionState.Open })
                {
                    if (listener is not null)
                    {
                        await listener.DisposeAsync();
                    }

                    listener = await OpenListenerAsync(stoppingToken);
                }

                await RunRoundAsync(listener, stoppingToken);
            }
        }
        finally
        {
            if (listener is not null)
            {
                await listener.DisposeAsync();
            }
        }
    }

    private async Task RunRoundAsync(NpgsqlConnection? listener, CancellationToken stoppingToken)
    {
        var busy = false;
        try
        {
            // The round itself is not cancelled by shutdown: the batch in hand is finished, then the loop ends.
            busy = await RelayOnceAsync(CancellationToken.None);
            await ProbeBacklogAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            OutboxGauges.DatabaseReachable(false);
            logger.LogWarning(exception, "Outbox relay round failed; retrying after the poll interval");
        }

        if (!busy)
        {
            await WaitForWorkAsync(listener, stoppingToken);
        }
    }

    /// <summary>One round over every publisher. True when a batch came back full, so more may be waiting.</summary>
    public async Task<bool> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var full = false;
        foreach (var publisher in await publishers.GetAsync(cancellationToken))
        {
            full |= await RelayBatchAsync(publisher, cancellationToken) == _options.BatchSize;
        }

        return full;
    }

    private async Task<int> RelayBatchAsync(string publisher, CancellationToken cancellationToken)
    {
        var claimSql = $"""
            select o.id as Id, o.seq as Sequence, o.type as Type, o.version as Version, o.aggregate_id as AggregateId,
                   o.payload::text as Payload, o.occurred_at as OccurredAt, o.trace_parent as TraceParent, o.attempts as Attempts
            from "{publisher}".outbox_messages o
            where o.processed_at is null and o.dead_at is null and (o.next_attempt_at is null or o.next_attempt_at <= @Now)
              and not exists (
                  select 1 from "{publisher}".outbox_messages earlier
                  where earlier.aggregate_id = o.aggregate_id and earlier.seq < o.seq
                    and earlier.processed_at is null and earlier.dead_at is null)
            order by o.seq
            limit @Batch
            for update skip locked
            """;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var claimed = (await connection.QueryAsync<ClaimedMessage>(new CommandDefinition(
            claimSql, new { Now = now, Batch = _options.BatchSize }, transaction, cancellationToken: cancellationToken))).AsList();
        if (claimed.Count == 0)
        {
            return 0;
        }

        var subscribers = await SubscribersAsync();
        foreach (var row in claimed)
        {
            var message = row.ToMessage(publisher);
            Exception? failure = null;
            foreach (var (consumer, _) in subscribers.Where(s => s.Accepts(message.Type)))
            {
                try
                {
                    await DeliverAsync(consumer, message, cancellationToken);
                    Deliveries.Add(1, new("orbit.consumer", consumer), new("orbit.outcome", "delivered"));
                }
                catch (Exception exception)
                {
                    Deliveries.Add(1, new("orbit.consumer", consumer), new("orbit.outcome", "failed"));
                    logger.LogWarning(exception, "Delivering {Type} {MessageId} from {Publisher} to {Consumer} failed (attempt {Attempt})",
                        message.Type, message.Id, publisher, consumer, row.Attempts + 1);
                    failure ??= exception;
                }
            }

            await RecordOutcomeAsync(connection, transaction, publisher, row, failure, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed.Count;
    }

    private async Task RecordOutcomeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string publisher, ClaimedMessage row, Exception? failure, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (failure is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""update "{publisher}".outbox_messages set processed_at = @Now, last_error = null where id = @Id""",
                new { row.Id, Now = now }, transaction, cancellationToken: cancellationToken));
            return;
        }

        var attempts = row.Attempts + 1;
        var dead = failure is UnsupportedEventVersionException || attempts >= _options.MaxAttempts;
        if (dead)
        {
            DeadLetters.Add(1, new KeyValuePair<string, object?>("orbit.publisher", publisher));
            logger.LogError(failure, "Parked {Type} {MessageId} from {Publisher} as dead after {Attempts} attempt(s)", row.Type, row.Id, publisher, attempts);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            update "{publisher}".outbox_messages
            set attempts = @Attempts, last_error = @Error, next_attempt_at = @NextAttemptAt, dead_at = @DeadAt
            where id = @Id
            """,
            new
            {
                row.Id,
                Attempts = attempts,
                Error = $"{failure.GetType().Name}: {failure.Message}",
                NextAttemptAt = dead ? (DateTime?)null : now + Backoff(attempts),
                DeadAt = dead ? now : (DateTime?)null,
            },
            transaction,
            cancellationToken: cancellationToken));
    }

    private TimeSpan Backoff(int attempts)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 20));
        var capped = Math.Min(exponential, _options.MaxRetryDelay.TotalMilliseconds);
        // Full jitter on the upper half: retries of many messages do not arrive in lockstep.
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    /// <summary>The consumers and what each accepts, read once per batch from a throwaway scope.</summary>
    private async Task<List<(string Consumer, Func<string, bool> Accepts)>> SubscribersAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        return scope.ServiceProvider.GetServices<IIntegrationEventSubscriber>()
            .Select(s => (s.Consumer, (Func<string, bool>)s.Accepts))
            .ToList();
    }

    private async Task DeliverAsync(string consumer, IntegrationMessage message, CancellationToken cancellationToken)
    {
        // A span per delivery, linked to the request that produced the event, so a webhook or an audit row can be
        // followed back to the PATCH that caused it.
        var links = ActivityContext.TryParse(message.TraceParent, null, out var origin) ? new[] { new ActivityLink(origin) } : null;
        using var activity = OrbitTelemetry.ActivitySource.StartActivity($"{message.Type} deliver to {consumer}", ActivityKind.Consumer, default(ActivityContext), links: links);
        activity?.SetTag("messaging.system", "orbit-outbox");
        activity?.SetTag("messaging.message.id", message.Id.ToString());
        activity?.SetTag("messaging.destination.name", consumer);
        activity?.SetTag("orbit.publisher", message.Publisher);

        await using var scope = scopes.CreateAsyncScope();
        var subscriber = scope.ServiceProvider.GetServices<IIntegrationEventSubscriber>().Single(s => s.Consumer == consumer);
        var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
        var session = scope.ServiceProvider.GetRequiredService<IDbSession>();
        await unitOfWork.BeginAsync(cancellationToken);
        try
        {
            var connection = await session.OpenAsync(cancellationToken);
            var firstTime = await connection.ExecuteAsync(new CommandDefinition(
                $"""insert into "{subscriber.Schema}".inbox (message_id, consumer) values (@Id, @Consumer) on conflict do nothing""",
                new { message.Id, Consumer = consumer }, cancellationToken: cancellationToken)) == 1;
            if (!firstTime)
            {
                activity?.SetTag("orbit.outcome", "duplicate");
                await unitOfWork.RollbackAsync(cancellationToken);
                return;
            }

            await subscriber.HandleAsync(message, cancellationToken);
            await unitOfWork.CommitAsync(cancellationToken);
            activity?.SetTag("orbit.outcome", "delivered");
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            await unitOfWork.RollbackAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>Every few seconds: backlog size, oldest pending age and dead letters per publisher, for the gauges.</summary>
    private async Task ProbeBacklogAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - _lastProbe < TimeSpan.FromSeconds(5))
        {
            return;
        }

        _lastProbe = now;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var publisher in await publishers.GetAsync(cancellationToken))
        {
            var backlog = await connection.QuerySingleAsync<(long Pending, double? OldestSeconds, long Dead)>(new CommandDefinition(
                $"""
                select count(*) filter (where processed_at is null and dead_at is null),
                       extract(epoch from @Now - min(occurred_at) filter (where processed_at is null and dead_at is null))::float8,
                       count(*) filter (where dead_at is not null)
                from "{publisher}".outbox_messages
                where processed_at is null
                """,
                new { Now = now }, cancellationToken: cancellationToken));
            OutboxGauges.Set(publisher, backlog.Pending, backlog.OldestSeconds ?? 0, backlog.Dead);
        }

        OutboxGauges.DatabaseReachable(true);
    }

    private async Task<NpgsqlConnection?> OpenListenerAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var listen = new NpgsqlCommand($"listen {Outbox.OutboxChannel}", connection);
            await listen.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch (NpgsqlException exception)
        {
            // Without the listener the relay still works, at the pace of the poll interval; the next round retries.
            logger.LogDebug(exception, "Could not LISTEN for outbox notifications; relying on polling");
            return null;
        }
    }

    private async Task WaitForWorkAsync(NpgsqlConnection? listener, CancellationToken stoppingToken)
    {
        try
        {
            if (listener is { State: System.Data.ConnectionState.Open })
            {
                await listener.WaitAsync(_options.PollInterval, stoppingToken);
            }
            else
            {
                await Task.Delay(_options.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception) when (exception is NpgsqlException or IOException)
        {
            logger.LogDebug(exception, "Outbox listener connection lost; polling");
            await Task.Delay(_options.PollInterval, CancellationToken.None);
        }
    }

    private sealed class ClaimedMessage
    {
        public Guid Id { get; init; }

        public long Sequence { get; init; }

        public string Type { get; init; } = "";

        public int Version { get; init; }

        public Guid? AggregateId { get; init; }

        public string Payload { get; init; } = "{}";

        public DateTime OccurredAt { get; init; }

        public string? TraceParent { get; init; }

        public int Attempts { get; init; }

        public IntegrationMessage ToMessage(string publisher) => new(
            Id, publisher, Sequence, Type, Version, AggregateId ?? Guid.Empty, new DateTimeOffset(OccurredAt, TimeSpan.Zero), TraceParent,
            System.Text.Json.JsonDocument.Parse(Payload).RootElement.Clone());
    }
}
