using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Orbit.Shared.Events;

/// <summary>
/// The publishers a relay loop has been told have work for it (by a NOTIFY, its own host's dispatch or the poll),
/// coalesced: any number of wake-ups for one publisher before the loop looks cost one round.
/// </summary>
internal sealed class PendingPublishers
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _publishers = new(StringComparer.Ordinal);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Add(string publisher)
    {
        lock (_lock)
        {
            _publishers.Add(publisher);
        }

        _signal.Writer.TryWrite(true);
    }

    public void Add(IEnumerable<string> publishers)
    {
        lock (_lock)
        {
            _publishers.UnionWith(publishers);
        }

        _signal.Writer.TryWrite(true);
    }

    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _publishers.Count == 0;
            }
        }
    }

    /// <summary>Takes the publishers woken so far, in a stable order, and leaves none.</summary>
    public IReadOnlyList<string> Take()
    {
        _signal.Reader.TryRead(out _);
        lock (_lock)
        {
            var taken = _publishers.Order(StringComparer.Ordinal).ToList();
            _publishers.Clear();
            return taken;
        }
    }

    /// <summary>Until a publisher is added, <paramref name="timeout"/> passes or the host stops.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!IsEmpty)
        {
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _signal.Reader.WaitToReadAsync(deadline.Token);
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
