using Microsoft.AspNetCore.Mvc;
using Orbit.Shared.Http;

namespace Orbit.Host.WebApp;

/// <summary>
/// Serves the React app built into the content root's <c>wwwroot</c> (src/Web, <c>npm run build</c>) from the
/// API's own origin, so the browser needs no CORS and the refresh cookie stays same-site.
/// </summary>
internal static class WebAppHosting
{
    /// <summary>Paths the server owns: they never fall back to the app, so an unknown one stays a 404 problem.</summary>
    private static readonly string[] ServerPrefixes = ["/api", "/health", "/metrics", "/openapi", "/scalar"];

    /// <summary>
    /// The app's policy: everything from this origin, no inline script or style, images also as data: URLs (Vite
    /// inlines small ones). Scalar at /scalar needs its own (see SecurityHeadersMiddleware).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static bool IsServerPath(PathString path) => ServerPrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Static files of the build, and <c>index.html</c> for client routes. Must come after routing (so a matched
    /// endpoint wins) and needs no authentication: the app's files are public, its data comes from the API.
    /// </summary>
    public static WebApplication UseOrbitWebApp(this WebApplication app)
    {
        if (!app.Environment.WebRootFileProvider.GetFileInfo("index.html").Exists)
        {
            // `dotnet run` hides the build's own message about OrbitSkipWebBuild; say it where the operator looks.
            app.Logger.LogWarning(
                "The web app is not built (no index.html in {WebRoot}): / answers 503 until it is built and the host restarted. The API is unaffected.",
                app.Environment.WebRootPath ?? Path.Combine(app.Environment.ContentRootPath, "wwwroot"));
        }

        app.UseMiddleware<ClientRouteFallbackMiddleware>();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = context => SetCacheControl(context.Context) });
        return app;
    }

    private static void SetCacheControl(HttpContext context)
    {
        // Vite names everything under /assets/ after its content hash, so a changed file gets a new URL and the old
        // one may be cached for good. index.html (and the few unhashed files beside it) must be revalidated every
        // time, or a browser would keep loading the previous release's asset names.
        context.Response.Headers.CacheControl = context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal)
            ? "public, max-age=31536000, immutable"
            : "no-cache";
    }
}

/// <summary>
/// A browser navigating to a client route (<c>/projects/abc/board</c>) gets <c>index.html</c> and React Router takes
/// over; anything that is not such a navigation (a server path, a file name, a non-GET, a caller that does not
/// accept HTML) passes through and ends as the usual 404 problem.
/// </summary>
internal sealed class ClientRouteFallbackMiddleware(RequestDelegate next, IWebHostEnvironment environment)
{
    private const string IndexFile = "index.html";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsClientRoute(context))
        {
            await next(context);
            return;
        }

        if (!environment.WebRootFileProvider.GetFileInfo(IndexFile).Exists)
        {
            await WriteNotBuiltAsync(context);
            return;
        }

        // The static file middleware serves it: ETag, Last-Modified, HEAD and conditional requests come with it.
        context.Request.Path = "/" + IndexFile;
        await next(context);
    }

    private static bool IsClientRoute(HttpContext context)
    {
        var request = context.Request;
        return context.GetEndpoint() is null
            && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && !WebAppHosting.IsServerPath(request.Path)
            && !LooksLikeAFile(request.Path)
            && AcceptsHtml(request);
    }

    private static bool LooksLikeAFile(PathString path)
    {
        var value = path.Value ?? "";
        var lastSegment = value[(value.LastIndexOf('/') + 1)..];
        return lastSegment.Contains('.', StringComparison.Ordinal);
    }

    private static bool AcceptsHtml(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return true;
        }

        return accept.Any(range => (range.Quality ?? 1) > 0
            && (range.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)
                || range.MediaType.Equals("text/*", StringComparison.OrdinalIgnoreCase)
                || range.MatchesAllTypes));
    }

    private static Task WriteNotBuiltAsync(HttpContext context)
    {
        // The API still works without the app (a build with OrbitSkipWebBuild=true, or no Node on the machine).
        context.Response.Headers.CacheControl = "no-store";
        return ApiResults.WriteProblemAsync(context, new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The web app was not built",
            Detail = "This host has no wwwroot/index.html. Build the web app (dotnet build src/Host without " +
                     "-p:OrbitSkipWebBuild=true, or npm ci && npm run build in src/Web) and restart the host. " +
                     "The API at /api/v1 works without it.",
            Extensions = { ["code"] = "web_app.not_built" },
        });
    }
}
