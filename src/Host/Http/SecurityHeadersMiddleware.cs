using Orbit.Host.WebApp;

namespace Orbit.Host.Http;

/// <summary>
/// Headers every response gets. The server's own paths serve JSON and text only, so they allow nothing; the web app
/// gets its same-origin policy; the Scalar page loads its own scripts and styles, so it gets no policy here.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        // OnStarting: the exception handler clears headers set before it ran.
        context.Response.OnStarting(() =>
        {
            Apply(context);
            return Task.CompletedTask;
        });
        return next(context);
    }

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/scalar"))
        {
            headers.ContentSecurityPolicy = WebAppHosting.IsServerPath(path)
                ? "default-src 'none'; frame-ancestors 'none'"
                : WebAppHosting.ContentSecurityPolicy;
        }

        if (context.Request.Path.StartsWithSegments("/api"))
        {
            // Responses carry tokens and private data: no shared cache may keep them.
            headers.CacheControl = "no-store";
        }
    }
}
