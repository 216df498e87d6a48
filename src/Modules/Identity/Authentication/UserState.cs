using Dapper;
using Npgsql;
using Orbit.Modules.Identity.Contracts;

namespace Orbit.Modules.Identity.Authentication;

/// <summary>
/// The part of a user's row that every authenticated request is judged by (the shared "user state" decision):
/// roles, the disabled flag and the moment before which access tokens no longer count. <see cref="Admit"/> is the
/// rule, a pure function of this record, so a cached copy of it is judged exactly as the row.
/// </summary>
internal sealed class UserState
{
    // Set through setters: Npgsql reports text[] as System.Array, which Dapper's constructor matching rejects.
    public string[] Roles { get; init; } = [];

    public bool IsDisabled { get; init; }

    public DateTime? SessionsValidAfter { get; init; }

    // The primary key.
    private const string Sql = """
        select roles as Roles, is_disabled as IsDisabled, sessions_valid_after as SessionsValidAfter
        from identity.users
        where id = @UserId
        """;

    /// <summary>The user's state, or null when there is no such user.</summary>
    public static async Task<UserState?> ReadAsync(NpgsqlConnection connection, Guid userId, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<UserState>(new CommandDefinition(Sql, new { UserId = userId }, cancellationToken: cancellationToken));

    /// <summary>
    /// Null when an access token issued at <paramref name="issuedAt"/> still admits this user; otherwise why not. JWT
    /// <c>iat</c> has whole seconds, so the comparison is by second: a token issued in an earlier second than the
    /// moment sessions were ended is refused, and the token handed out by the very request that ended them (same
    /// second) is not. <paramref name="issuedAt"/> null means a credential that sessions_valid_after does not
    /// govern (a personal access token, which is revoked instead).
    /// </summary>
    public SessionEnd? Admit(DateTimeOffset? issuedAt)
    {
        if (IsDisabled)
        {
            return SessionEnd.UserDisabled;
        }

        if (issuedAt is { } issued && SessionsValidAfter is { } after && issued.ToUnixTimeSeconds() < new DateTimeOffset(DateTime.SpecifyKind(after, DateTimeKind.Utc)).ToUnixTimeSeconds())
        {
            return SessionEnd.SignedOut;
        }

        return null;
    }
}
