using Dapper;
using Orbit.Shared.Data;

namespace Orbit.Shared.Caching;

/// <summary>
/// A cache that answers evictions by tag (<c>project:{id}</c>, <c>user:{id}</c>). Every one registered as this
/// interface hears the evictions of every instance.
/// </summary>
public interface ICacheEvictionTarget
{
    void Evict(string tag);

    /// <summary>Evictions may have been missed (the listener lost its connection): forget everything.</summary>
    void Reset();
}

/// <summary>Evicts a cache tag on every instance of Orbit that shares the database.</summary>
public interface ICacheEvictions
{
    /// <summary>
    /// Inside a transaction: sends <c>NOTIFY</c> in it, which PostgreSQL delivers to every listening instance only
    /// when the transaction commits (never on rollback), and evicts on this instance after the commit. Outside one:
    /// both at once.
    /// </summary>
    Task EvictAsync(string tag, CancellationToken cancellationToken = default);
}

/// <summary>
/// Whether this instance hears every eviction, and an epoch that moves whenever it may have missed some. Caches read
/// both: they keep nothing while not listening, and treat entries from an older epoch as gone.
/// </summary>
public sealed class CacheEvictionHub
{
    /// <summary>
    /// The notification channel. A payload is <c>&lt;instance id&gt; &lt;tag&gt;</c>, or a bare tag from work outside
    /// a request (start-up), which every instance applies.
    /// </summary>
    public const string Channel = "orbit_cache";

    /// <summary>
    /// Names this instance in the notifications it sends. It evicts its own caches after its commit, before it
    /// answers; hearing its own notification a moment later would only evict, again, entries loaded since.
    /// </summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    private long _epoch;
    private volatile bool _listening;

    public bool IsListening => _listening;

    public long Epoch => Volatile.Read(ref _epoch);

    internal void Listening()
    {
        // Entries kept before this point may have missed evictions sent while nobody listened.
        Interlocked.Increment(ref _epoch);
        _listening = true;
    }

    internal void NotListening()
    {
        _listening = false;
        Interlocked.Increment(ref _epoch);
    }
}

/// <summary>Applies an eviction to every cache of this instance.</summary>
public sealed class LocalCacheEvictions(IEnumerable<ICacheEvictionTarget> targets)
{
    private readonly ICacheEvictionTarget[] _targets = [.. targets];

    public void Evict(string tag)
    {
        foreach (var target in _targets)
        {
            target.Evict(tag);
        }
    }

    public void Reset()
    {
        foreach (var target in _targets)
        {
            target.Reset();
        }
    }
}

internal sealed class CacheEvictions(IDbSession session, IUnitOfWork unitOfWork, LocalCacheEvictions local, CacheEvictionHub hub) : ICacheEvictions
{
    private const string NotifySql = $"select pg_notify('{CacheEvictionHub.Channel}', @Payload)";

    /// <summary>The payload: the sending instance, a space, the tag.</summary>
    public static string PayloadOf(string instanceId, string tag) => instanceId + " " + tag;

    public async Task EvictAsync(string tag, CancellationToken cancellationToken = default)
    {
        var connection = await session.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(NotifySql, new { Payload = PayloadOf(hub.InstanceId, tag) }, cancellationToken: cancellationToken));
        // This instance ignores its own notification (it would arrive a moment later): it evicts here, after the
        // commit and before the caller gets an answer, so that the caller's next request already sees the change.
        await unitOfWork.AfterCommitAsync(() =>
        {
            local.Evict(tag);
            return Task.CompletedTask;
        });
    }
}
