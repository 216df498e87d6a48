using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orbit.Shared.Results;
using Orbit.Modules.Identity.Users;

namespace Orbit.Modules.Identity.Authentication;

/// <summary>
/// Browser sessions (docs/adr/0008): a request with <c>X-Orbit-Client: web</c> gets its refresh token in an HttpOnly
/// cookie that script cannot read, scoped to <c>/api/v1/auth</c>, instead of in the JSON body. The custom header is
/// what a cross-site form or image cannot send (and a cross-site fetch cannot send without a CORS preflight Orbit
/// never answers); the Origin check refuses what slips past that. Login, refresh and logout share these rules.
/// </summary>
internal static class BrowserSession
{
    public const string ClientHeader = "X-Orbit-Client";
    public const string WebClient = "web";
    public const string CookieName = "orbit_refresh";
    public const string CookiePath = "/api/v1/auth";

    /// <summary>The header selects cookie mode; any other value (or none) keeps the JSON-body behaviour.</summary>
    public static bool IsRequested(string? clientHeader) => string.Equals(clientHeader, WebClient, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An Origin header, when a browser sends one, must be this request's own scheme, host and port. Behind a proxy
    /// this relies on forwarded headers being applied, as client addresses already do (docs/operations.md).
    /// </summary>
    public static Error? CheckOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null;
        }

        var own = $"{request.Scheme}://{request.Host.Value}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) ? null : IdentityErrors.CrossOrigin;
    }

    public static string? ReadToken(HttpRequest request) =>
        request.Cookies.TryGetValue(CookieName, out var token) && !string.IsNullOrEmpty(token) ? token : null;

    /// <summary>Puts the refresh token in the cookie and returns the response body without it.</summary>
    public static TokenResponse MoveTokenToCookie(HttpContext context, TokenResponse tokens)
    {
        var lifetime = TimeSpan.FromDays(context.RequestServices.GetRequiredService<IOptions<JwtOptions>>().Value.RefreshTokenDays);
        context.Response.Cookies.Append(CookieName, tokens.RefreshToken!, OptionsFor(context.Request, lifetime));
        return tokens with { RefreshToken = null };
    }

    /// <summary>Tells the browser to drop the cookie (Max-Age=0 with the same name, path and attributes).</summary>
    public static void ExpireCookie(HttpContext context) =>
        context.Response.Cookies.Append(CookieName, "", OptionsFor(context.Request, TimeSpan.Zero));

    private static CookieOptions OptionsFor(HttpRequest request, TimeSpan maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        // Secure whenever the request came over HTTPS; local development over plain HTTP still works.
        Secure = request.IsHttps,
        Path = CookiePath,
        MaxAge = maxAge,
        Expires = maxAge == TimeSpan.Zero ? DateTimeOffset.UnixEpoch : null,
        IsEssential = true,
    };
}
