namespace Orbit.Modules.Webhooks;

/// <summary>Exponential backoff with jitter: retry n waits base × factor^(n−1), capped, then ±20 % at random.</summary>
internal static class RetrySchedule
{
    private const double Jitter = 0.2;

    /// <param name="failedAttempt">The attempt that just failed, from 1.</param>
    public static TimeSpan DelayAfter(int failedAttempt, WebhookOptions options, Random random)
    {
        var exponent = Math.Min(failedAttempt - 1, 60);
        var delay = Math.Min(options.RetryBaseDelay.TotalMilliseconds * Math.Pow(options.RetryFactor, exponent), options.MaxRetryDelay.TotalMilliseconds);
        var jittered = delay * (1 - Jitter + (2 * Jitter * random.NextDouble()));
        return TimeSpan.FromMilliseconds(jittered);
    }
}
