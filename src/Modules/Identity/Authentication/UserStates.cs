using Dapper;
using Orbit.Shared.Caching;
using Orbit.Shared.Data;

namespace Orbit.Modules.Identity.Authentication;

/// <summary>
/// What authentication checks about a user on every request: system roles, the disabled flag, and the moment before
/// which access tokens no longer count (<c>sessions_valid_after</c>, null = never).
/// </summary>
internal sealed record UserState(string[] Roles, bool IsDisabled, DateTime? SessionsValidAfter)
{
    /// <summary>
    /// The rule, as a pure function: the user exists, is enabled, and the token was issued no earlier than
    /// <see cref="SessionsValidAfter"/>. A JWT's <c>iat</c> has whole seconds, so the bound is compared at that
    /// precision (a token issued in the second of the change still counts; one from any earlier second does not).
    /// </summary>
    public static bool Accepts(UserState? state, DateTime? issuedAtUtc)
    {
        if (state is null || state.IsDisabled)
        {
            return false;
        }

        if (state.SessionsValidAfter is not { } validAfter)
        {
            return true;
        }

        var bound = validAfter.AddTicks(-(validAfter.Ticks % TimeSpan.TicksPerSecond));
        return issuedAtUtc is { } issuedAt && issuedAt >= bound;
    }
}

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

    // Primary key. No row (an unknown user) is cached too, as null.
    private const string Sql = """
        select roles as Roles, is_disabled as IsDisabled, sessions_valid_after as SessionsValidAfter
        from identity.users
        where id = @UserId
        """;

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

    private static async Task<UserState?> LoadAsync(Guid userId, IDbSession session, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Sql, new { UserId = userId }, cancellationToken: cancellationToken));
        return row is null ? null : new UserState(row.Roles, row.IsDisabled, row.SessionsValidAfter);
    }

    private sealed class Row
    {
        public string[] Roles { get; init; } = [];

        public bool IsDisabled { get; init; }

        public DateTime? SessionsValidAfter { get; init; }
    }
}
