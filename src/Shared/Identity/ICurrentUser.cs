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
