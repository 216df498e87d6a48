using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Orbit.Shared.Events;

/// <summary>A wake-up that coalesces: any number of <see cref="Set"/> calls before a wait release one waiter once.</summary>
internal sealed class WakeSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Set() => _channel.Writer.TryWrite(true);

    public bool TryConsume() => _channel.Reader.TryRead(out _);

    /// <summary>Until set, <paramref name="timeout"/> passes or the host stops.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _channel.Reader.WaitToReadAsync(deadline.Token);
            _channel.Reader.TryRead(out _);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>
/// The relay's loops all fail together when the database goes away. This logs the transition once (a Warning when the
/// first round fails, an Information when a round succeeds again) and every failed round in between at Debug only,
/// where the old relay logged a Warning with a stack trace per attempt.
/// </summary>
internal sealed class OutageLog(ILogger logger)
{
    private readonly Lock _lock = new();
    private long _failedRounds;
    private DateTime? _since;

    public void Failed(Exception exception, bool databaseUnreachable)
    {
        bool first;
        lock (_lock)
        {
            first = _since is null;
            _since ??= DateTime.UtcNow;
            _failedRounds++;
        }

        if (first)
        {
            if (databaseUnreachable)
            {
                logger.LogWarning(exception, "Outbox relay cannot reach the database; retrying with backoff until it returns");
            }
            else
            {
                logger.LogWarning(exception, "Outbox relay round failed; retrying with backoff");
            }
        }
        else
        {
            logger.LogDebug(exception, "Outbox relay round failed again");
        }
    }

    public void Succeeded()
    {
        DateTime since;
        long rounds;
        lock (_lock)
        {
            if (_since is null)
            {
                return;
            }

            since = _since.Value;
            rounds = _failedRounds;
            _since = null;
            _failedRounds = 0;
        }

        logger.LogInformation("Outbox relay works again after {Seconds:0.0} s and {Rounds} failed round(s)", (DateTime.UtcNow - since).TotalSeconds, rounds);
    }
}
