using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orbit.Shared.Identity;

namespace Orbit.Modules.Identity.Authentication;

internal sealed record AccessToken(string Token, int ExpiresInSeconds);

/// <summary>Short-lived HS256 JWTs. Validation pins the same algorithm, issuer, audience and key (<see cref="IdentityAuthentication"/>).</summary>
internal sealed class AccessTokenIssuer(IOptions<JwtOptions> options, TimeProvider clock)
{
    /// <summary>The JWT <c>typ</c> header of access tokens (RFC 9068), required when they are validated.</summary>
    public const string TokenType = "at+jwt";

    private readonly JsonWebTokenHandler _handler = new();

    public static SymmetricSecurityKey KeyOf(JwtOptions options) => new(Encoding.UTF8.GetBytes(options.SigningKey));

    public AccessToken Issue(Guid userId, string email, string displayName, IEnumerable<string> roles)
    {
        var jwt = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new List<Claim>
        {
            new(OrbitClaims.UserId, userId.ToString()),
            new(JwtRegisteredClaimNames.Email, email),
            new(JwtRegisteredClaimNames.Name, displayName),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
        };
        claims.AddRange(roles.Select(role => new Claim(OrbitClaims.Role, role)));

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = TokenType,
            Subject = new ClaimsIdentity(claims),
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(jwt.AccessTokenMinutes),
            SigningCredentials = new SigningCredentials(KeyOf(jwt), SecurityAlgorithms.HmacSha256),
        });
        return new AccessToken(token, jwt.AccessTokenMinutes * 60);
    }
}
