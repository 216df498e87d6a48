using Dapper;
using Npgsql;

namespace Orbit.Modules.Identity.Users;

/// <summary>
/// Ending a user's sessions, as password change, sign out everywhere and an admin-forced reset do: every refresh
/// token family is revoked and sessions_valid_after is set, so access tokens issued in an earlier second are refused
/// on their next request (and open event streams end within seconds). Personal access tokens are not sessions: they
/// are revoked only when asked (<paramref name="revokePersonalAccessTokens"/>).
/// </summary>
internal static class UserSessions
{
    // Served by the primary key, refresh_tokens_user and personal_access_tokens_live.
    private const string EndSql = """
        update identity.users set sessions_valid_after = @Now where id = @UserId;
        update identity.refresh_tokens set revoked_at = @Now where user_id = @UserId and revoked_at is null;
        """;

    private const string RevokePersonalAccessTokensSql = """
        update identity.personal_access_tokens set revoked_at = @Now where user_id = @UserId and revoked_at is null
        """;

    public static async Task EndAllAsync(NpgsqlConnection connection, Guid userId, DateTime now, bool revokePersonalAccessTokens, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(EndSql, new { UserId = userId, Now = now }, cancellationToken: cancellationToken));
        if (revokePersonalAccessTokens)
        {
            await connection.ExecuteAsync(new CommandDefinition(RevokePersonalAccessTokensSql, new { UserId = userId, Now = now }, cancellationToken: cancellationToken));
        }
    }
}
