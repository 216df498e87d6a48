using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Orbit.Shared.Identity;

/// <summary>Who is calling. Modules ask this instead of reading claims themselves.</summary>
public interface ICurrentUser
{
    bool IsAuthenticated { get; }

    /// <summary>The caller's user id; only meaningful on endpoints that require authentication.</summary>
    Guid Id { get; }

    bool IsAdmin { get; }
}

public static class OrbitClaims
{
    public const string UserId = "sub";
    public const string Role = "role";
    public const string AdminRole = "admin";

    /// <summary>What authenticated the request: <see cref="OrbitCredentials.Session"/> or <see cref="OrbitCredentials.PersonalAccessToken"/>.</summary>
    public const string Credential = "orbit_credential";

    /// <summary>A personal access token's scope (<see cref="TokenScopes"/>); sessions carry none and may do everything the user may.</summary>
    public const string Scope = "scope";

    /// <summary>The personal access token's id (for a JWT, <c>jti</c> is the token's own id).</summary>
    public const string TokenId = "jti";

    /// <summary>Expiry, Unix seconds (JWT <c>exp</c>; a personal access token's expiry under the same name).</summary>
    public const string Expires = "exp";

    /// <summary>Issued at, Unix seconds (JWT <c>iat</c>).</summary>
    public const string IssuedAt = "iat";
}

/// <summary>Values of <see cref="OrbitClaims.Credential"/>.</summary>
public static class OrbitCredentials
{
    /// <summary>An access token from sign-in or refresh: an interactive session.</summary>
    public const string Session = "session";

    public const string PersonalAccessToken = "pat";
}

/// <summary>Scopes of personal access tokens (<see cref="OrbitClaims.Scope"/>).</summary>
public static class TokenScopes
{
    /// <summary>GET and HEAD only.</summary>
    public const string Read = "read";

    /// <summary>Everything the user may do, except managing tokens and account security (those need a session).</summary>
    public const string ReadWrite = "read-write";

    public static readonly string[] All = [Read, ReadWrite];
}

internal sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private ClaimsPrincipal? Principal => accessor.HttpContext?.User;

    public bool IsAuthenticated => Principal?.Identity?.IsAuthenticated == true;

    public Guid Id =>
        Guid.TryParse(Principal?.FindFirstValue(OrbitClaims.UserId), out var id)
            ? id
            : throw new InvalidOperationException("No authenticated user in this request.");

    public bool IsAdmin => Principal?.IsInRole(OrbitClaims.AdminRole) == true;
}
