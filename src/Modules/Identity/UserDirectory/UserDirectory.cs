using Dapper;
using Microsoft.Extensions.Caching.Hybrid;
using Orbit.Modules.Identity.Authentication;
using Orbit.Modules.Identity.Contracts;
using Orbit.Modules.Identity.Users;
using Orbit.Shared.Data;

namespace Orbit.Modules.Identity.UserDirectory;

/// <summary>
/// Answers <see cref="IUserDirectory"/> for other modules, so they never read the identity schema. Summaries are
/// hot (every member list, every mention) and rarely change, so they are cached per user; disabling or enabling a
/// user evicts theirs on every instance (tag <see cref="UserStateCache.TagOf"/>).
/// </summary>
internal sealed class UserDirectory(IDbSession session, HybridCache cache) : IUserDirectory
{
    // Display names and emails never change (no endpoint edits them) and the disabled flag here is informational (authentication checks the user state), so a
    // minute of staleness on other instances is harmless.
    private static readonly HybridCacheEntryOptions Lifetime = new() { Expiration = TimeSpan.FromMinutes(1), LocalCacheExpiration = TimeSpan.FromSeconds(30) };

    private const string Sql = """
        select id as Id, display_name as DisplayName, email as Email, is_disabled as IsDisabled
        from identity.users
        where id = @Id
        """;

    // Served by users_email_unique (lower(email)). Not cached: it is asked only when someone adds a member by email.
    private const string ByEmailSql = """
        select id as Id, display_name as DisplayName, email as Email, is_disabled as IsDisabled
        from identity.users
        where lower(email) = lower(@Email) and not is_disabled
        """;

    // The primary key finds the candidates (the caller's list, a few hundred or thousand at most); the text filter and
    // the sort then run over those rows only, so no index on names or emails is needed.
    private const string SearchAmongSql = """
        select id as Id, display_name as DisplayName, email as Email, is_disabled as IsDisabled
        from identity.users
        where id = any(@Ids) and not is_disabled
          and (@Pattern::text is null or display_name ilike @Pattern or email ilike @Pattern)
        order by lower(display_name), id
        limit @Limit
        """;

    // The user state's tag: one eviction (broadcast to every instance) clears both.
    public static string TagOf(Guid userId) => UserStateCache.TagOf(userId);

    public async Task<UserSummary?> FindAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        var found = await cache.GetOrCreateAsync(
            // v2: summaries gained Email; a new key keeps entries of the old shape (in Redis) from being read as email-less.
            $"identity:user:v2:{userId}",
            (Session: session, Id: userId),
            static async (state, token) =>
            {
                var connection = await state.Session.OpenAsync(token);
                return await connection.QuerySingleOrDefaultAsync<UserSummary>(new CommandDefinition(Sql, new { state.Id }, cancellationToken: token));
            },
            Lifetime,
            [TagOf(userId)],
            cancellationToken);
        return found;
    }

    public async Task<UserSummary?> FindActiveByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        var connection = await session.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserSummary>(new CommandDefinition(ByEmailSql, new { Email = email.Trim() }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<UserSummary>> SearchAmongAsync(
        IReadOnlyCollection<Guid> userIds, string? text, int limit, CancellationToken cancellationToken = default)
    {
        if (userIds.Count == 0)
        {
            return [];
        }

        var connection = await session.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<UserSummary>(new CommandDefinition(SearchAmongSql, new
        {
            Ids = userIds.Distinct().ToArray(),
            Pattern = UserRules.ContainsPattern(text),
            Limit = limit,
        }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<IReadOnlyDictionary<Guid, UserSummary>> FindManyAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<Guid, UserSummary>();
        foreach (var id in userIds.Distinct())
        {
            if (await FindAsync(id, cancellationToken) is { } summary)
            {
                found[id] = summary;
            }
        }

        return found;
    }
}
