using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;
using Orbit.Modules.Identity.Users;

namespace Orbit.Modules.Identity.Features.SignIn;

internal sealed class SignInThrottleOptions
{
    public const string Section = "Identity:SignInThrottle";

    /// <summary>Failures from one source for one account after which that pair has to wait before its next attempt.</summary>
    [Range(1, 100, ErrorMessage = "Identity:SignInThrottle:FailuresBeforeDelay must be between 1 and 100.")]
    public int FailuresBeforeDelay { get; set; } = 3;

    /// <summary>The first wait; each further failure doubles it, up to <see cref="MaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "Identity:SignInThrottle:BaseDelay must be between 1 millisecond and 1 hour.")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Identity:SignInThrottle:MaxDelay must be between 1 second and 1 day.")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A source's failures are forgotten this long after its last one.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00", ErrorMessage = "Identity:SignInThrottle:ForgetFailuresAfter must be between 1 minute and 30 days.")]
    public TimeSpan ForgetFailuresAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Failures from all sources together within <see cref="AccountWindow"/> before unfamiliar sources wait.</summary>
    [Range(1, 100_000, ErrorMessage = "Identity:SignInThrottle:AccountFailureLimit must be between 1 and 100000.")]
    public int AccountFailureLimit { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00", ErrorMessage = "Identity:SignInThrottle:AccountWindow must be between 1 minute and 30 days.")]
    public TimeSpan AccountWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a source stays familiar after a successful sign-in from it (exempt from the account-wide wait).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00", ErrorMessage = "Identity:SignInThrottle:FamiliarSourceFor must be between 0 and 365 days.")]
    public TimeSpan FamiliarSourceFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The wait after the <paramref name="excess"/>-th failure beyond an allowance (1, 2, 4... times the base, capped).</summary>
    public TimeSpan DelayAfter(int excess) => excess <= 0
        ? TimeSpan.Zero
        : TimeSpan.FromTicks((long)Math.Min(BaseDelay.Ticks * Math.Pow(2, Math.Min(excess - 1, 40)), MaxDelay.Ticks));
}

/// <summary>
/// Slows password guessing without handing attackers a way to lock people out. Failures count per account and
/// source (the client's address, IPv6 by /64): after <c>FailuresBeforeDelay</c> that pair waits 1 s, 2 s, 4 s... up to
/// <c>MaxDelay</c> between attempts, which hinders only the guesser's own address. Guessing spread over many
/// addresses meets the account-wide count: past <c>AccountFailureLimit</c> failures in <c>AccountWindow</c>, sources
/// the account has not signed in from lately wait too, with the same doubling; familiar ones (a success within
/// <c>FamiliarSourceFor</c>) keep signing in, and existing sessions are never touched. State lives in PostgreSQL,
/// so every instance applies the same counts.
/// </summary>
/// <remarks>
/// An attempt is charged as a failure before the password is checked and refunded on success (or when hashing is
/// refused), so that concurrent guesses from one source cannot all slip through before the first failure is written.
/// A throttled attempt is answered without checking the password at all: a right guess then gains nothing, and a
/// throttled attacker costs no hashing. Unknown emails are throttled the same way as real ones.
/// </remarks>
internal sealed class SignInThrottle(IDbSession session, IOptions<SignInThrottleOptions> options, TimeProvider clock)
{
    private const string StateSql = """
        select p.blocked_until as PairBlockedUntil, p.last_success_at as LastSuccessAt, a.blocked_until as AccountBlockedUntil
        from (select 1) as one
        left join identity.sign_in_throttles p on p.email_key = @EmailKey and p.source = @Source
        left join identity.sign_in_account_throttles a on a.email_key = @EmailKey
        """;

    // Waits for a concurrent attempt of the same pair (row lock of ON CONFLICT) and then sees its block: only one of
    // several simultaneous attempts is charged while the pair is not blocked.
    private const string ChargeSql = """
        insert into identity.sign_in_throttles as t (email_key, source, failures, last_failure_at)
        values (@EmailKey, @Source, 1, @Now)
        on conflict (email_key, source) do update
        set failures = case when t.last_failure_at < @ForgetBefore then 1 else t.failures + 1 end,
            last_failure_at = @Now
        where t.blocked_until is null or t.blocked_until <= @Now
        returning failures
        """;

    private const string BlockPairSql = """
        update identity.sign_in_throttles set blocked_until = @BlockedUntil where email_key = @EmailKey and source = @Source
        """;

    private const string RefundSql = """
        update identity.sign_in_throttles set failures = greatest(failures - 1, 0), blocked_until = null
        where email_key = @EmailKey and source = @Source and failures = @Failures
        """;

    private const string SucceededSql = """
        update identity.sign_in_throttles set failures = 0, blocked_until = null, last_success_at = @Now
        where email_key = @EmailKey and source = @Source
        """;

    private const string CountAccountFailureSql = """
        insert into identity.sign_in_account_throttles as a (email_key, window_started_at, failures)
        values (@EmailKey, @Now, 1)
        on conflict (email_key) do update
        set failures = case when a.window_started_at < @WindowStart then 1 else a.failures + 1 end,
            window_started_at = case when a.window_started_at < @WindowStart then @Now else a.window_started_at end
        returning failures
        """;

    private const string BlockAccountSql = """
        update identity.sign_in_account_throttles set blocked_until = greatest(blocked_until, @BlockedUntil) where email_key = @EmailKey
        """;

    public static string EmailKeyOf(string email) => email.Trim().ToLowerInvariant();

    /// <summary>
    /// Charges the attempt as a failure in its own committed transaction, or says how long to wait. The caller then
    /// checks the password and reports the outcome with <see cref="SucceededAsync"/>, <see cref="FailedAsync"/> or
    /// <see cref="RefundAsync"/>.
    /// </summary>
    public async Task<(Charge? Charge, Error? Wait, ThrottleScope Scope)> ChargeAsync(string email, string source, IUnitOfWork unitOfWork, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var settings = options.Value;
        var key = EmailKeyOf(email);
        var connection = await session.OpenAsync(cancellationToken);
        var state = await connection.QuerySingleAsync<State>(new CommandDefinition(StateSql, new { EmailKey = key, Source = source }, cancellationToken: cancellationToken));
        if (state.PairBlockedUntil > now)
        {
            return (null, IdentityErrors.SignInThrottled(state.PairBlockedUntil.Value - now), ThrottleScope.Source);
        }

        var familiar = state.LastSuccessAt > now - settings.FamiliarSourceFor;
        if (state.AccountBlockedUntil > now && !familiar)
        {
            return (null, IdentityErrors.SignInThrottled(state.AccountBlockedUntil.Value - now), ThrottleScope.Account);
        }

        var failures = await connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition(ChargeSql, new
        {
            EmailKey = key,
            Source = source,
            Now = now,
            ForgetBefore = now - settings.ForgetFailuresAfter,
        }, cancellationToken: cancellationToken));
        if (failures is null)
        {
            // A concurrent attempt from the same source was charged first and blocked the pair.
            await unitOfWork.CommitAsync(cancellationToken);
            return (null, IdentityErrors.SignInThrottled(settings.BaseDelay), ThrottleScope.Source);
        }

        var delay = settings.DelayAfter(failures.Value - settings.FailuresBeforeDelay + 1);
        if (delay > TimeSpan.Zero)
        {
            await connection.ExecuteAsync(new CommandDefinition(BlockPairSql, new { EmailKey = key, Source = source, BlockedUntil = now + delay }, cancellationToken: cancellationToken));
        }

        // The charge must stick even though the request may fail, and must be seen by concurrent attempts now.
        await unitOfWork.CommitAsync(cancellationToken);
        await unitOfWork.BeginAsync(cancellationToken);
        return (new Charge(key, source, failures.Value), null, ThrottleScope.Source);
    }

    /// <summary>The password was right: the pair starts afresh and the source becomes familiar.</summary>
    public async Task SucceededAsync(Charge charge, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(SucceededSql, new { charge.EmailKey, charge.Source, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
    }

    /// <summary>The password was not checked (no hashing turn): the charge is taken back.</summary>
    public async Task RefundAsync(Charge charge, IUnitOfWork unitOfWork, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(RefundSql, new { charge.EmailKey, charge.Source, charge.Failures }, cancellationToken: cancellationToken));
        await unitOfWork.CommitAsync(cancellationToken);
    }

    /// <summary>The password was wrong (the pair is already charged): counts it for the account. True when the account is now throttled.</summary>
    public async Task<bool> FailedAsync(Charge charge, IUnitOfWork unitOfWork, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var settings = options.Value;
        var connection = await session.OpenAsync(cancellationToken);
        var pairDelay = settings.DelayAfter(charge.Failures - settings.FailuresBeforeDelay + 1);
        if (pairDelay > TimeSpan.Zero)
        {
            // The wait runs from the answer, not from the charge: hashing under load may take a while.
            await connection.ExecuteAsync(new CommandDefinition(BlockPairSql, new { charge.EmailKey, charge.Source, BlockedUntil = now + pairDelay }, cancellationToken: cancellationToken));
        }

        var failures = await connection.QuerySingleAsync<int>(new CommandDefinition(CountAccountFailureSql, new
        {
            charge.EmailKey,
            Now = now,
            WindowStart = now - settings.AccountWindow,
        }, cancellationToken: cancellationToken));
        var delay = settings.DelayAfter(failures - settings.AccountFailureLimit + 1);
        if (delay > TimeSpan.Zero)
        {
            await connection.ExecuteAsync(new CommandDefinition(BlockAccountSql, new { charge.EmailKey, BlockedUntil = now + delay }, cancellationToken: cancellationToken));
        }

        // The request fails, yet the count must stick (ADR 0004).
        await unitOfWork.CommitAsync(cancellationToken);
        return delay > TimeSpan.Zero;
    }

    internal sealed record Charge(string EmailKey, string Source, int Failures);

    private sealed class State
    {
        public DateTime? PairBlockedUntil { get; init; }

        public DateTime? LastSuccessAt { get; init; }

        public DateTime? AccountBlockedUntil { get; init; }
    }
}

internal enum ThrottleScope
{
    Source,
    Account,
}

/// <summary>Deletes throttle rows that no rule will read again, hourly, in bounded batches; any instance may run it.</summary>
internal sealed class SignInThrottlePruner(NpgsqlDataSource dataSource, IOptions<SignInThrottleOptions> options, TimeProvider clock, ILogger<SignInThrottlePruner> logger)
    : BackgroundService
{
    private const string PrunePairsSql = """
        delete from identity.sign_in_throttles
        where ctid in (select ctid from identity.sign_in_throttles
                       where greatest(last_failure_at, last_success_at, blocked_until) < @Before limit 5000)
        """;

    private const string PruneAccountsSql = """
        delete from identity.sign_in_account_throttles
        where ctid in (select ctid from identity.sign_in_account_throttles
                       where greatest(window_started_at, blocked_until) < @Before limit 5000)
        """;

    public async Task<int> PruneOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var settings = options.Value;
        // A row is dead once its failures are forgotten, its block is over and its success no longer makes it familiar.
        var pairsBefore = now - new[] { settings.ForgetFailuresAfter, settings.FamiliarSourceFor, TimeSpan.Zero }.Max();
        var accountsBefore = now - settings.AccountWindow;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var total = 0;
        int batch;
        do
        {
            batch = await connection.ExecuteAsync(new CommandDefinition(PrunePairsSql, new { Before = pairsBefore }, cancellationToken: cancellationToken));
            total += batch;
        }
        while (batch == 5000);

        do
        {
            batch = await connection.ExecuteAsync(new CommandDefinition(PruneAccountsSql, new { Before = accountsBefore }, cancellationToken: cancellationToken));
            total += batch;
        }
        while (batch == 5000);

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromHours(1), clock, stoppingToken);
                var deleted = await PruneOnceAsync(stoppingToken);
                if (deleted > 0)
                {
                    logger.LogInformation("Deleted {Count} expired sign-in throttle row(s)", deleted);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(exception, "Pruning sign-in throttles failed; trying again in an hour");
            }
        }
    }
}
