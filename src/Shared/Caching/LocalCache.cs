using System.Collections.Concurrent;

namespace Orbit.Shared.Caching;

/// <summary>
/// An in-process cache that only ever holds what every instance would agree on: an entry is kept only while this
/// instance hears every eviction (<see cref="CacheEvictionListener"/> is listening), and a value read from the
/// database is stored only if no eviction arrived while it was being read. So a read that started before another
/// instance's commit, and finished after that commit's eviction reached us, can never park a stale answer here.
/// Entries also expire after <c>lifetime</c>, as a backstop.
/// </summary>
public sealed class LocalCache<TKey, TValue>(CacheEvictionHub hub, TimeSpan lifetime, int capacity = 100_000)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private readonly long _lifetimeMs = (long)lifetime.TotalMilliseconds;

    // Bumped by every eviction and by the hub's resets; a load stores its value only if this did not move meanwhile.
    private long _generation;

    public int Count => _entries.Count;

    public async ValueTask<TValue> GetOrLoadAsync<TState>(
        TKey key, TState state, Func<TKey, TState, CancellationToken, Task<TValue>> load, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAt > now && entry.Epoch == hub.Epoch)
        {
            return entry.Value;
        }

        var generation = Volatile.Read(ref _generation);
        var epoch = hub.Epoch;
        var value = await load(key, state, cancellationToken);
        if (hub.IsListening && epoch == hub.Epoch && generation == Volatile.Read(ref _generation))
        {
            if (_entries.Count >= capacity)
            {
                // Crude but bounded: the working set reloads, one primary-key read per entry.
                _entries.Clear();
            }

            _entries[key] = new Entry(value, now + _lifetimeMs, epoch);

            // An eviction may have slipped in between the check above and the store: undo rather than keep it.
            if (generation != Volatile.Read(ref _generation))
            {
                _entries.TryRemove(key, out _);
            }
        }

        return value;
    }

    public void Remove(TKey key)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(key, out _);
    }

    /// <summary>Removes every entry whose key matches; evictions are rare, so a scan is cheaper than an index.</summary>
    public void RemoveWhere(Func<TKey, bool> matches)
    {
        Interlocked.Increment(ref _generation);
        foreach (var key in _entries.Keys)
        {
            if (matches(key))
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    private sealed record Entry(TValue Value, long ExpiresAt, long Epoch);
}
