using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Orbit.Shared.Data;
using Orbit.Shared.Identity;

namespace Orbit.Modules.Identity.Authentication;

internal sealed class PersonalAccessTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbSession session,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    // Served by the unique index on token_hash.
    private const string Sql = """
        select u.id as Id, u.email as Email, u.display_name as DisplayName, u.roles as Roles,
               t.id as TokenId, t.scope as Scope, t.expires_at as ExpiresAt
        from identity.personal_access_tokens t
        join identity.users u on u.id = t.user_id
        where t.token_hash = @Hash
          and t.revoked_at is null
          and t.expires_at > @Now
          and not u.is_disabled
        """;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        var connection = await session.OpenAsync(Context.RequestAborted);
        var user = await connection.QuerySingleOrDefaultAsync<TokenOwner>(new CommandDefinition(
            Sql,
            new { Hash = OpaqueToken.Hash(header[prefix.Length..].Trim()), Now = clock.GetUtcNow() },
            cancellationToken: Context.RequestAborted));
        if (user is null)
        {
            return AuthenticateResult.Fail("Unknown, revoked or expired personal access token.");
        }

        var claims = new List<Claim>
        {
            new(OrbitClaims.UserId, user.Id.ToString()),
            new("email", user.Email),
            new("name", user.DisplayName),
            new(OrbitClaims.Credential, OrbitCredentials.PersonalAccessToken),
            new(OrbitClaims.Scope, user.Scope),
            new(OrbitClaims.TokenId, user.TokenId.ToString()),
            new(OrbitClaims.Expires, new DateTimeOffset(DateTime.SpecifyKind(user.ExpiresAt, DateTimeKind.Utc)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        claims.AddRange(user.Roles.Select(role => new Claim(OrbitClaims.Role, role)));
        var identity = new ClaimsIdentity(claims, Scheme.Name, "name", OrbitClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer error=\"invalid_token\"");
        return Task.CompletedTask;
    }

    private sealed class TokenOwner
    {
        public Guid Id { get; init; }

        public string Email { get; init; } = "";

        public string DisplayName { get; init; } = "";

        public string[] Roles { get; init; } = [];

        public Guid TokenId { get; init; }

        public string Scope { get; init; } = "";

        public DateTime ExpiresAt { get; init; }
    }
}
