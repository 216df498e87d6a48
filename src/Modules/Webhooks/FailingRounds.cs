using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// A loop's run of failed rounds, logged calmly: one Warning (or Error, for a failure that is not the database being
/// away) when the run starts, Debug for each further round, one Information when a round works again. The backoff
/// between failed rounds grows from 50 ms and is capped (at the loop's poll interval), with jitter so that hosts that
/// lost the database together do not come back in step.
/// </summary>
internal sealed class FailingRounds(ILogger logger, string activity)
{
    private long _startedAt;

    public int Failures { get; private set; }

    public void Failed(Exception exception)
    {
        Failures++;
        if (Failures > 1)
        {
            logger.LogDebug(exception, "{Activity}: failure {Failures} in a row", activity, Failures);
            return;
        }

        _startedAt = Stopwatch.GetTimestamp();
        if (exception is NpgsqlException or TimeoutException or SocketException)
        {
            logger.LogWarning(exception, "{Activity}: the database cannot be reached; retrying with backoff until it can (logged again when it works)", activity);
        }
        else
        {
            logger.LogError(exception, "{Activity} failed; retrying with backoff (logged again when it works)", activity);
        }
    }

    public void Succeeded()
    {
        if (Failures == 0)
        {
            return;
        }

        logger.LogInformation("{Activity}: works again after {Failures} failed round(s) in {Seconds:0.0} s",
            activity, Failures, Stopwatch.GetElapsedTime(_startedAt).TotalSeconds);
        Failures = 0;
    }

    /// <summary>The wait before the next round: 50 ms doubled per failure, at most <paramref name="ceiling"/>, then between half and all of it.</summary>
    public TimeSpan Backoff(TimeSpan ceiling)
    {
        var full = Math.Min(50 * Math.Pow(2, Math.Min(Math.Max(Failures - 1, 0), 20)), ceiling.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(full * (0.5 + (Random.Shared.NextDouble() / 2)));
    }
}
