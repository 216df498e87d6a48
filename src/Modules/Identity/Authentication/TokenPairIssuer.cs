using System.Text.Json.Serialization;
using Dapper;
using Microsoft.Extensions.Options;
using Orbit.Shared.Data;

namespace Orbit.Modules.Identity.Authentication;

/// <param name="RefreshToken">
/// Absent for browser sessions (<c>X-Orbit-Client: web</c>), whose refresh token travels only in the HttpOnly cookie
/// (<see cref="BrowserSession"/>); always present for API clients.
/// </param>
internal sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken = null);

/// <summary>Issues an access token with a new refresh token of the given family (sign-in starts a family, refresh continues it).</summary>
internal sealed class TokenPairIssuer(IDbSession session, AccessTokenIssuer accessTokens, IOptions<JwtOptions> options, TimeProvider clock)
{
    private const string InsertRefreshTokenSql = """
        insert into identity.refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at)
        values (@Id, @UserId, @FamilyId, @TokenHash, @Now, @ExpiresAt)
        """;

    public async Task<TokenResponse> IssueAsync(SignedInUser user, Guid familyId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var refreshToken = OpaqueToken.Create(OpaqueToken.RefreshPrefix);
        var connection = await session.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertRefreshTokenSql, new
        {
            Id = Guid.CreateVersion7(now),
            UserId = user.Id,
            FamilyId = familyId,
            TokenHash = OpaqueToken.Hash(refreshToken),
            Now = now,
            ExpiresAt = now.AddDays(options.Value.RefreshTokenDays),
        }, cancellationToken: cancellationToken));

        var access = accessTokens.Issue(user.Id, user.Email, user.DisplayName, user.Roles);
        return new TokenResponse(access.Token, "Bearer", access.ExpiresInSeconds, refreshToken);
    }
}

internal sealed record SignedInUser(Guid Id, string Email, string DisplayName, string[] Roles);
