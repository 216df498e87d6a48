using System.Diagnostics.Metrics;
using System.Threading.Channels;
using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orbit.Shared.Messaging;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// Sends due webhook deliveries. Several hosts may run it: each claims due deliveries with <c>FOR UPDATE SKIP LOCKED</c>
/// in a short statement that counts the attempt and leases the delivery (its <c>next_attempt_at</c> moves past the
/// attempt's time limit), sends outside any transaction, then records the attempt. A host that dies mid-attempt leaves
/// a lease that lapses, and another host tries again: delivery is at least once, and receivers dedupe on
/// <c>webhook-id</c>. A failure is retried on <see cref="RetrySchedule"/> until the delivery's last attempt; a webhook
/// whose attempts have all failed for <see cref="WebhookOptions.DisableAfter"/> is disabled.
/// </summary>
/// <remarks>
/// Throughput: up to <see cref="WebhookOptions.MaxConcurrency"/> attempts are in flight at any time, and free slots
/// are refilled as soon as half of them are free (a slow receiver holds one slot, not a whole batch); only as many
/// deliveries are claimed as there are free slots, so no lease runs down while its delivery waits in memory. Finished attempts are recorded
/// by one recorder in batches (up to <see cref="WebhookOptions.BatchSize"/> per transaction), not one transaction each.
/// Outage: a round that fails backs off with jitter up to the poll interval and logs one Warning when failures start
/// and one Information when they end, not one per round.
/// </remarks>
internal sealed class WebhookDispatcher(
    NpgsqlDataSource dataSource,
    WebhookSender sender,
    WebhookSecrets secrets,
    WebhookDispatchSignal signal,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private static readonly Counter<long> Attempts = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.webhooks.attempts", description: "Webhook delivery attempts, by outcome (succeeded, failed, refused).");

    // Oldest due first, served by webhook_deliveries_due; deliveries of disabled webhooks are left alone.
    private const string ClaimSql = """
        with due as (
            select d.id
            from webhooks.webhook_deliveries d
            join webhooks.webhooks w on w.id = d.webhook_id
            where d.status = 'pending' and d.next_attempt_at <= @Now and w.disabled_at is null
            order by d.next_attempt_at
            limit @Take
            for update of d skip locked
        )
        update webhooks.webhook_deliveries d
        set attempts = d.attempts + 1, next_attempt_at = @LeaseUntil
        from due, webhooks.webhooks w
        where d.id = due.id and w.id = d.webhook_id
        returning d.id as Id, d.webhook_id as WebhookId, d.event_id as EventId, d.event_type as EventType, d.occurred_at as OccurredAt,
                  d.payload::text as PayloadJson, d.attempts as Attempt, d.max_attempts as MaxAttempts, w.url as Url, w.secret as Secret
        """;

    // A batch of finished attempts, one row per attempt (arrays of equal length). The guard on attempts keeps an
    // attempt whose lease lapsed (and was retaken) from overwriting the newer one; the webhook may have been deleted
    // meanwhile, so an attempt is logged only while its delivery exists.
    private const string RecordSql = """
        insert into webhooks.webhook_attempts (delivery_id, attempt, at, status_code, duration_ms, error)
        select r.id, r.attempt, @Now, r.status_code, r.duration_ms, r.error
        from unnest(@Ids, @Attempts, @StatusCodes, @DurationsMs, @Errors) as r (id, attempt, status_code, duration_ms, error)
        where exists (select from webhooks.webhook_deliveries d where d.id = r.id)
        on conflict (delivery_id, attempt) do nothing;

        update webhooks.webhook_deliveries d
        set status = r.status, next_attempt_at = r.next_attempt_at, last_status_code = r.status_code, last_duration_ms = r.duration_ms,
            last_error = r.error, delivered_at = case when r.status = 'succeeded' then @Now else d.delivered_at end
        from unnest(@Ids, @Attempts, @Statuses, @NextAttempts, @StatusCodes, @DurationsMs, @Errors)
            as r (id, attempt, status, next_attempt_at, status_code, duration_ms, error)
        where d.id = r.id and d.attempts = r.attempt and d.status = 'pending';

        update webhooks.webhooks set failing_since = null where id = any(@Healthy) and failing_since is not null;
        """;

    // failing_since is null after a success, so the comparison is null and nothing is disabled. A webhook with a
    // success in the same batch is not in @Failing: not every attempt to it failed.
    private const string FailingSql = """
        update webhooks.webhooks
        set failing_since = coalesce(failing_since, @Now),
            disabled_at = case when failing_since <= @FailingBefore then @Now else disabled_at end
        where id = any(@Failing) and disabled_at is null
        returning id as Id, disabled_at as DisabledAt
        """;

    // Served by webhook_deliveries_by_webhook. An attempt still running for one of them records itself in the attempt
    // log but no longer changes the delivery (its update requires status pending).
    private const string AbandonSql = """
        update webhooks.webhook_deliveries
        set status = 'failed', next_attempt_at = null,
            last_error = 'Given up: the webhook was disabled because every attempt to it failed for ' || @Period || '.'
        where webhook_id = any(@WebhookIds) and status = 'pending'
        """;

    private const string ReleaseSql = """
        update webhooks.webhook_deliveries set attempts = attempts - 1, next_attempt_at = @Now
        where id = @Id and attempts = @Attempt and status = 'pending'
        """;

    private readonly Channel<FinishedAttempt> _finished = Channel.CreateUnbounded<FinishedAttempt>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var recorder = Task.Run(() => RecordLoopAsync(settings), CancellationToken.None);
        var inFlight = new List<Task>();
        var claims = new FailingRounds(logger, "Webhook dispatch (claiming due deliveries)");
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
                var free = settings.MaxConcurrency - inFlight.Count;
                // Claim once half the slots are free, not for every single one: a claim is a statement (measured: one
                // claim per freed slot cost more than the sends it fed), and half the slots keep sending meanwhile.
                if (inFlight.Count > 0 && free < Math.Max(1, settings.MaxConcurrency / 2))
                {
                    await Task.WhenAny(inFlight);
                    continue;
                }

                var take = Math.Min(free, settings.BatchSize);
                IReadOnlyList<ClaimedDelivery> claimed;
                try
                {
                    claimed = await ClaimAsync(take, settings, stoppingToken);
                    claims.Succeeded();
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    // The database may be away; keep trying, less often, and never take the host down.
                    claims.Failed(e);
                    claimed = [];
                }

                foreach (var delivery in claimed)
                {
                    inFlight.Add(Task.Run(() => AttemptAsync(delivery, stoppingToken), CancellationToken.None));
                }

                if (claimed.Count == take)
                {
                    continue; // more may be due: fill the free slots (or wait for one) at once
                }

                try
                {
                    await signal.WaitAsync(claims.Failures == 0 ? settings.PollInterval : claims.Backoff(settings.PollInterval), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            // Attempts cut short by the shutdown hand their deliveries back; finished ones are recorded before stopping.
            await Task.WhenAll(inFlight);
            _finished.Writer.TryComplete();
            await recorder;
        }
    }

    private async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int take, WebhookOptions settings, CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        return (await connection.QueryAsync<ClaimedDelivery>(new CommandDefinition(
            ClaimSql, new { Now = now, LeaseUntil = now + settings.ClaimLease, Take = take }, cancellationToken: stoppingToken))).AsList();
    }

    private async Task AttemptAsync(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            var outcome = await SendAsync(delivery, stoppingToken);
            _finished.Writer.TryWrite(new FinishedAttempt(delivery, outcome, clock.GetUtcNow().UtcDateTime));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-attempt: hand the delivery back rather than leave it leased.
            await ReleaseAsync(delivery);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Attempt {Attempt} of webhook delivery {DeliveryId} failed unexpectedly; its lease will lapse and it will be tried again",
                delivery.Attempt, delivery.Id);
        }
    }

    private async Task<AttemptOutcome> SendAsync(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        string secret;
        try
        {
            secret = secrets.Unprotect(delivery.Secret, delivery.WebhookId);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return new AttemptOutcome(false, null, 0, $"Not sent: the webhook's secret cannot be read ({e.Message})");
        }

        var message = new WebhookMessage(delivery.EventId, delivery.EventType, delivery.OccurredAt, delivery.PayloadJson, new Uri(delivery.Url), secret);
        return await sender.SendAsync(message, stoppingToken);
    }

    /// <summary>
    /// Records finished attempts in batches until the dispatcher stops and every finished attempt is recorded. A batch
    /// that cannot be recorded (the database is away) is kept and tried again with backoff; if its leases lapse
    /// meanwhile and another host retakes the deliveries, the attempts guard makes this late record change nothing.
    /// </summary>
    private async Task RecordLoopAsync(WebhookOptions settings)
    {
        var records = new FailingRounds(logger, "Webhook dispatch (recording attempts)");
        var batch = new List<FinishedAttempt>(settings.BatchSize);
        // The attempts' record must not be lost to a shutdown that cancels the dispatcher: no token stops this loop;
        // it ends when the dispatcher has completed the channel and everything in it is recorded.
        while (batch.Count > 0 || await _finished.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < settings.BatchSize && _finished.Reader.TryRead(out var attempt))
            {
                batch.Add(attempt);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await RecordAsync(batch, settings);
                records.Succeeded();
                batch.Clear();
            }
            catch (Exception e)
            {
                records.Failed(e);
                if (_finished.Reader.Completion.IsCompleted && records.Failures >= 3)
                {
                    logger.LogWarning("Stopping with {Count} webhook attempt(s) unrecorded; their leases will lapse and they will be tried again", batch.Count);
                    return;
                }

                await Task.Delay(records.Backoff(settings.PollInterval), CancellationToken.None);
            }
        }
    }

    private async Task RecordAsync(IReadOnlyList<FinishedAttempt> batch, WebhookOptions settings)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = batch.Select(f =>
        {
            var final = !f.Outcome.Succeeded && f.Delivery.Attempt >= f.Delivery.MaxAttempts;
            var status = f.Outcome.Succeeded ? "succeeded" : final ? "failed" : "pending";
            DateTime? next = status == "pending" ? f.At + RetrySchedule.DelayAfter(f.Delivery.Attempt, settings, Random.Shared) : null;
            return (f.Delivery, f.Outcome, Status: status, Next: next);
        }).ToList();
        var healthy = rows.Where(r => r.Outcome.Succeeded).Select(r => r.Delivery.WebhookId).Distinct().ToArray();
        var failing = rows.Where(r => !r.Outcome.Succeeded).Select(r => r.Delivery.WebhookId).Distinct().Except(healthy).ToArray();

        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition(RecordSql, new
        {
            Now = now,
            Ids = rows.Select(r => r.Delivery.Id).ToArray(),
            Attempts = rows.Select(r => r.Delivery.Attempt).ToArray(),
            Statuses = rows.Select(r => r.Status).ToArray(),
            NextAttempts = rows.Select(r => r.Next).ToArray(),
            StatusCodes = rows.Select(r => r.Outcome.StatusCode).ToArray(),
            DurationsMs = rows.Select(r => r.Outcome.DurationMs).ToArray(),
            Errors = rows.Select(r => r.Outcome.Error).ToArray(),
            Healthy = healthy,
        }, transaction));

        var disabled = new List<Guid>();
        if (failing.Length > 0)
        {
            var marked = await connection.QueryAsync<(Guid Id, DateTime? DisabledAt)>(new CommandDefinition(
                FailingSql, new { Failing = failing, Now = now, FailingBefore = now - settings.DisableAfter }, transaction));
            disabled.AddRange(marked.Where(m => m.DisabledAt is not null).Select(m => m.Id));
            if (disabled.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    AbandonSql, new { WebhookIds = disabled.ToArray(), Period = Describe(settings.DisableAfter) }, transaction));
            }
        }

        await transaction.CommitAsync(CancellationToken.None);

        foreach (var (delivery, outcome, _, _) in rows)
        {
            Attempts.Add(1, new KeyValuePair<string, object?>("orbit.outcome", outcome.Succeeded ? "succeeded" : outcome.StatusCode is null ? "refused_or_unreachable" : "failed"));
            if (outcome.Succeeded)
            {
                logger.LogDebug("Webhook delivery {DeliveryId} of {EventType} succeeded on attempt {Attempt}", delivery.Id, delivery.EventType, delivery.Attempt);
            }
            else
            {
                logger.LogInformation("Webhook delivery {DeliveryId} of {EventType} failed on attempt {Attempt} of {MaxAttempts}: {Error}",
                    delivery.Id, delivery.EventType, delivery.Attempt, delivery.MaxAttempts, outcome.Error);
            }
        }

        foreach (var webhookId in disabled)
        {
            logger.LogWarning("Webhook {WebhookId} is disabled: every attempt to it failed for {Period}", webhookId, Describe(settings.DisableAfter));
        }
    }

    private async Task ReleaseAsync(ClaimedDelivery delivery)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync(new CommandDefinition(ReleaseSql, new { delivery.Id, delivery.Attempt, Now = clock.GetUtcNow().UtcDateTime }));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not hand back webhook delivery {DeliveryId}; its lease will lapse instead", delivery.Id);
        }
    }

    private static string Describe(TimeSpan period) => period.TotalHours >= 1
        ? FormattableString.Invariant($"{period.TotalHours:0.#} hours")
        : FormattableString.Invariant($"{period.TotalSeconds:0.###} seconds");

    private sealed record ClaimedDelivery(
        Guid Id, Guid WebhookId, Guid EventId, string EventType, DateTime OccurredAt, string PayloadJson, int Attempt, int MaxAttempts, string Url, string Secret);

    private sealed record FinishedAttempt(ClaimedDelivery Delivery, AttemptOutcome Outcome, DateTime At);
}
