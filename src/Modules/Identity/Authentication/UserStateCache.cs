using Orbit.Shared.Caching;
using Orbit.Shared.Data;

namespace Orbit.Modules.Identity.Authentication;

/// <summary>
/// User states cached in process and evicted on every instance at once (tag <c>user:{id}</c>) by every write that
/// changes one: disable, enable, roles, and whatever moves <c>sessions_valid_after</c>. So an authenticated request
/// costs no SQL in the steady state, and a disabled user is refused on every instance as soon as the change commits.
/// </summary>
internal sealed class UserStateCache(CacheEvictionHub hub) : ICacheEvictionTarget
{
    public const string TagPrefix = "user:";

    /// <summary>A backstop only: changes made through Orbit evict at once everywhere.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    // No row (an unknown user) is cached too, as null.
    private readonly LocalCache<Guid, UserState?> _cache = new(hub, Lifetime);

    public static string TagOf(Guid userId) => TagPrefix + userId.ToString();

    /// <summary>Evicts the user's state (and summary) on every instance once the current transaction commits.</summary>
    public static Task EvictAsync(ICacheEvictions evictions, Guid userId) => evictions.EvictAsync(TagOf(userId));

    public ValueTask<UserState?> FindAsync(Guid userId, IDbSession session, CancellationToken cancellationToken) =>
        _cache.GetOrLoadAsync(userId, session, LoadAsync, cancellationToken);

    public void Evict(string tag)
    {
        if (tag.StartsWith(TagPrefix, StringComparison.Ordinal) && Guid.TryParse(tag.AsSpan(TagPrefix.Length), out var userId))
        {
            _cache.Remove(userId);
        }
    }

    public void Reset() => _cache.Clear();

    private static async Task<UserState?> LoadAsync(Guid userId, IDbSession session, CancellationToken cancellationToken) =>
        await UserState.ReadAsync(await session.OpenAsync(cancellationToken), userId, cancellationToken);
}
