using System.Globalization;
using System.Security.Claims;
using Dapper;
using Orbit.Modules.Identity.Contracts;
using Orbit.Shared.Data;
using Orbit.Shared.Identity;

namespace Orbit.Modules.Identity.Authentication;

/// <summary>
/// Answers <see cref="ICredentialValidity"/> with the same rules authentication applies to a new request: the user
/// state rule (<see cref="UserState.Admit"/>) for access tokens, revocation and expiry for personal access tokens.
/// </summary>
internal sealed class CredentialValidity(IDbSession session, TimeProvider clock) : ICredentialValidity
{
    // The primary key.
    private const string TokenSql = """
        select revoked_at is not null as Revoked, expires_at as ExpiresAt
        from identity.personal_access_tokens
        where id = @TokenId and user_id = @UserId
        """;

    public DateTimeOffset? ExpiresAt(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(OrbitClaims.Expires), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    public async Task<SessionEnd?> CheckAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!Guid.TryParse(user.FindFirstValue(OrbitClaims.UserId), out var userId))
        {
            return SessionEnd.UserDisabled;
        }

        var connection = await session.OpenAsync(cancellationToken);
        var state = await UserState.ReadAsync(connection, userId, cancellationToken);
        if (state is null)
        {
            return SessionEnd.UserDisabled;
        }

        var personalAccessToken = user.FindFirstValue(OrbitClaims.Credential) == OrbitCredentials.PersonalAccessToken;
        if (state.Admit(personalAccessToken ? null : ActiveUser.IssuedAt(user) ?? DateTimeOffset.MinValue) is { } ended)
        {
            return ended;
        }

        if (personalAccessToken)
        {
            if (!Guid.TryParse(user.FindFirstValue(OrbitClaims.TokenId), out var tokenId))
            {
                return SessionEnd.TokenRevoked;
            }

            var token = await connection.QuerySingleOrDefaultAsync<StoredToken>(new CommandDefinition(
                TokenSql, new { TokenId = tokenId, UserId = userId }, cancellationToken: cancellationToken));
            if (token is null || token.Revoked)
            {
                return SessionEnd.TokenRevoked;
            }
        }

        return ExpiresAt(user) is { } expires && clock.GetUtcNow() >= expires ? SessionEnd.TokenExpired : null;
    }

    private sealed record StoredToken(bool Revoked, DateTime ExpiresAt);
}
