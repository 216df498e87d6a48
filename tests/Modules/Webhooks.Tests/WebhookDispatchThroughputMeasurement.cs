using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orbit.Modules.Webhooks;
using Orbit.Tests.Infrastructure;
using static Orbit.Tests.Notifications.NotificationApi;

namespace Orbit.Tests.Notifications;

/// <summary>
/// Not a check (speed targets live in bench/): how many deliveries per second one dispatcher sends to a receiver on
/// loopback that answers at once, next to the dispatcher before issue 12's changes (a copy below) in the same run.
/// Run by name:
/// <c>dotnet test tests/Orbit.Tests --filter "FullyQualifiedName~WebhookDispatchThroughputMeasurement"</c>.
/// </summary>
[Explicit("A measurement, run by hand")]
public sealed class WebhookDispatchThroughputMeasurement
{
    [TestCase(2000, true, 8)]
    [TestCase(2000, false, 16)]
    [TestCase(2000, true, 16)]
    [TestCase(2000, false, 8)]
    public async Task Deliveries_per_second_of_one_dispatcher(int deliveries, bool previous, int maxConcurrency)
    {
        var database = await TestPostgres.CreateDatabaseAsync("webhook_throughput");
        var settings = new Dictionary<string, string?> { ["Webhooks:MaxConcurrency"] = maxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using var api = new OrbitApi(database, settings, services =>
        {
            if (previous)
            {
                var current = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(WebhookDispatcher));
                services.Remove(current);
                services.AddHostedService<PreviousWebhookDispatcher>();
            }
        });
        await api.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = await ProjectScenarios.CreateTeamAsync(api);
        var webhook = await RegisterWebhookAsync(team.ClientFor("maintainer"), team.Project.Id, receiver.Url, "*");

        await using var connection = new NpgsqlConnection(database);
        var watch = Stopwatch.StartNew();
        await connection.ExecuteAsync("""
            insert into webhooks.webhook_deliveries (id, webhook_id, event_id, event_type, occurred_at, payload, status, max_attempts, next_attempt_at, created_at)
            select gen_random_uuid(), @WebhookId, gen_random_uuid(), 'task.created', now(), '{"n":1}', 'pending', 5, now(), now()
            from generate_series(1, @Count)
            """, new { WebhookId = webhook.Id, Count = deliveries });
        await Eventually.True(
            async () => await connection.ExecuteScalarAsync<long>("select count(*) from webhooks.webhook_deliveries where status = 'succeeded'") == deliveries,
            "every delivery sent and recorded", TimeSpan.FromMinutes(5));
        watch.Stop();

        var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg")).Trim() : "n/a";
        await TestContext.Out.WriteLineAsync(
            $"{(previous ? "previous" : "current")} dispatcher, MaxConcurrency {maxConcurrency}: {deliveries} deliveries sent and recorded in {watch.Elapsed.TotalSeconds:0.00} s: {deliveries / watch.Elapsed.TotalSeconds:0} per second (load average {load})");
        Assert.That(receiver.Accepted, Has.Count.GreaterThanOrEqualTo(deliveries));
    }

    /// <summary>WebhookDispatcher as it was before (commit a5941b2): a batch waits for its slowest send, one transaction per attempt.</summary>
    internal sealed class PreviousWebhookDispatcher(
        NpgsqlDataSource dataSource,
        WebhookSender sender,
        WebhookSecrets secrets,
        WebhookDispatchSignal signal,
        IOptions<WebhookOptions> options,
        TimeProvider clock,
        ILogger<PreviousWebhookDispatcher> logger) : BackgroundService
    {
        private static readonly Counter<long> Attempts = new Meter("orbit-tests-previous-dispatcher").CreateCounter<long>("previous.attempts");

        // Oldest due first, served by webhook_deliveries_due; deliveries of disabled webhooks are left alone.
        private const string ClaimSql = """
            with due as (
                select d.id
                from webhooks.webhook_deliveries d
                join webhooks.webhooks w on w.id = d.webhook_id
                where d.status = 'pending' and d.next_attempt_at <= @Now and w.disabled_at is null
                order by d.next_attempt_at
                limit @BatchSize
                for update of d skip locked
            )
            update webhooks.webhook_deliveries d
            set attempts = d.attempts + 1, next_attempt_at = @LeaseUntil
            from due, webhooks.webhooks w
            where d.id = due.id and w.id = d.webhook_id
            returning d.id as Id, d.webhook_id as WebhookId, d.event_id as EventId, d.event_type as EventType, d.occurred_at as OccurredAt,
                      d.payload::text as PayloadJson, d.attempts as Attempt, d.max_attempts as MaxAttempts, w.url as Url, w.secret as Secret
            """;

        // The guard on attempts keeps an attempt whose lease lapsed (and was retaken) from overwriting the newer one.
        private const string RecordSql = """
            insert into webhooks.webhook_attempts (delivery_id, attempt, at, status_code, duration_ms, error)
            select @Id, @Attempt, @Now, @StatusCode, @DurationMs, @Error
            where exists (select from webhooks.webhook_deliveries where id = @Id) -- the webhook may have been deleted meanwhile
            on conflict (delivery_id, attempt) do nothing;

            update webhooks.webhook_deliveries
            set status = @Status, next_attempt_at = @NextAttemptAt, last_status_code = @StatusCode, last_duration_ms = @DurationMs,
                last_error = @Error, delivered_at = case when @Status = 'succeeded' then @Now else delivered_at end
            where id = @Id and attempts = @Attempt and status = 'pending';
            """;

        private const string HealthySql = "update webhooks.webhooks set failing_since = null where id = @WebhookId and failing_since is not null";

        // failing_since is null after a success, so the comparison is null and nothing is disabled.
        private const string FailingSql = """
            update webhooks.webhooks
            set failing_since = coalesce(failing_since, @Now),
                disabled_at = case when failing_since <= @FailingBefore then @Now else disabled_at end
            where id = @WebhookId and disabled_at is null
            returning disabled_at
            """;

        // Served by webhook_deliveries_by_webhook. An attempt still running for one of them records itself in the attempt
        // log but no longer changes the delivery (its update requires status pending).
        private const string AbandonSql = """
            update webhooks.webhook_deliveries
            set status = 'failed', next_attempt_at = null,
                last_error = 'Given up: the webhook was disabled because every attempt to it failed for ' || @Period || '.'
            where webhook_id = @WebhookId and status = 'pending'
            """;

        private const string ReleaseSql = """
            update webhooks.webhook_deliveries set attempts = attempts - 1, next_attempt_at = @Now
            where id = @Id and attempts = @Attempt and status = 'pending'
            """;

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var settings = options.Value;
            var failures = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                var claimed = 0;
                try
                {
                    claimed = await DispatchBatchAsync(settings, stoppingToken);
                    failures = 0;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    // The database may be away; keep trying, less often, and never take the host down.
                    failures++;
                    if (e is NpgsqlException or TimeoutException)
                    {
                        logger.LogWarning(e, "Webhook dispatch could not reach the database (failure {Failures} in a row)", failures);
                    }
                    else
                    {
                        logger.LogError(e, "Webhook dispatch failed (failure {Failures} in a row)", failures);
                    }
                }

                if (claimed == settings.BatchSize)
                {
                    continue;
                }

                var wait = failures == 0
                    ? settings.PollInterval
                    : TimeSpan.FromMilliseconds(Math.Min(settings.PollInterval.TotalMilliseconds * Math.Pow(2, failures), 30_000));
                try
                {
                    await signal.WaitAsync(wait, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        private async Task<int> DispatchBatchAsync(WebhookOptions settings, CancellationToken stoppingToken)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            List<ClaimedDelivery> batch;
            await using (var connection = await dataSource.OpenConnectionAsync(stoppingToken))
            {
                batch = (await connection.QueryAsync<ClaimedDelivery>(new CommandDefinition(
                    ClaimSql, new { Now = now, LeaseUntil = now + settings.ClaimLease, settings.BatchSize }, cancellationToken: stoppingToken))).AsList();
            }

            if (batch.Count > 0)
            {
                await Parallel.ForEachAsync(
                    batch,
                    new ParallelOptions { MaxDegreeOfParallelism = settings.MaxConcurrency },
                    async (delivery, _) => await AttemptAsync(delivery, settings, stoppingToken));
            }

            return batch.Count;
        }

        private async Task AttemptAsync(ClaimedDelivery delivery, WebhookOptions settings, CancellationToken stoppingToken)
        {
            try
            {
                var outcome = await SendAsync(delivery, stoppingToken);
                await RecordAsync(delivery, outcome, settings);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down mid-attempt: hand the delivery back rather than leave it leased.
                await ReleaseAsync(delivery);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Recording attempt {Attempt} of webhook delivery {DeliveryId} failed; its lease will lapse and it will be tried again",
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

        private async Task RecordAsync(ClaimedDelivery delivery, AttemptOutcome outcome, WebhookOptions settings)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var final = !outcome.Succeeded && delivery.Attempt >= delivery.MaxAttempts;
            var status = outcome.Succeeded ? "succeeded" : final ? "failed" : "pending";
            DateTime? next = status == "pending" ? now + RetrySchedule.DelayAfter(delivery.Attempt, settings, Random.Shared) : null;

            // The attempt's record must not be lost to a shutdown that cancels the dispatcher: none is passed on here.
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            await connection.ExecuteAsync(new CommandDefinition(RecordSql, new
            {
                delivery.Id,
                delivery.Attempt,
                Now = now,
                outcome.StatusCode,
                outcome.DurationMs,
                outcome.Error,
                Status = status,
                NextAttemptAt = next,
            }, transaction));

            DateTime? disabledAt = null;
            if (outcome.Succeeded)
            {
                await connection.ExecuteAsync(new CommandDefinition(HealthySql, new { delivery.WebhookId }, transaction));
            }
            else
            {
                disabledAt = await connection.QuerySingleOrDefaultAsync<DateTime?>(new CommandDefinition(
                    FailingSql, new { delivery.WebhookId, Now = now, FailingBefore = now - settings.DisableAfter }, transaction));
                if (disabledAt is not null)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        AbandonSql, new { delivery.WebhookId, Period = Describe(settings.DisableAfter) }, transaction));
                }
            }

            await transaction.CommitAsync(CancellationToken.None);

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

            if (disabledAt is not null)
            {
                logger.LogWarning("Webhook {WebhookId} is disabled: every attempt to it failed for {Period}", delivery.WebhookId, Describe(settings.DisableAfter));
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
    }
}
