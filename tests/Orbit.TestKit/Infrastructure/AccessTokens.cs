using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Orbit.Tests.Infrastructure;

/// <summary>Access tokens made in the test with the test host's signing key, for the cases sign-in cannot produce.</summary>
public static class AccessTokens
{
    /// <param name="type">The JWT <c>typ</c> header; Orbit requires <c>at+jwt</c> (RFC 9068). Null leaves the handler's default, <c>JWT</c>.</param>
    public static string Forge(
        Guid userId,
        string issuer = "orbit",
        string audience = "orbit-api",
        string key = OrbitApi.SigningKey,
        DateTime? expires = null,
        DateTime? issuedAt = null,
        string? type = "at+jwt")
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", userId.ToString()), new Claim("role", "admin")]),
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt ?? now.AddHours(-2),
            NotBefore = (issuedAt ?? now.AddHours(-2)).AddSeconds(-1),
            Expires = expires ?? now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        };
        if (type is not null)
        {
            descriptor.TokenType = type;
        }

        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>The decoded JOSE header of a JWT.</summary>
    public static JsonElement HeaderOf(string token) =>
        JsonDocument.Parse(Base64UrlEncoder.Decode(token.Split('.')[0])).RootElement;

    /// <summary>
    /// Waits for the next second to begin. Ending sessions refuses access tokens issued in an earlier second (JWT
    /// <c>iat</c> has whole seconds), so a test that ends sessions right after signing in first lets the second pass.
    /// </summary>
    public static Task NextSecondAsync() => Task.Delay(TimeSpan.FromMilliseconds(1050 - DateTime.UtcNow.Millisecond));
}
