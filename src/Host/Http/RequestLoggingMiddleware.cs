using System.Diagnostics;

namespace Orbit.Host.Http;

/// <summary>
/// One line per request, at a level that keeps Information quiet under load: Debug normally, Warning for a server
/// error or a request slower than <see cref="SlowRequest"/>. The route template is logged, never the query string or
/// a body (they may carry tokens); trace and correlation ids come from the logging scopes. The level is checked before
/// the line is built: at the configured Information level the Debug line of a normal request costs nothing (no boxed
/// status and duration, no format-cache lookup).
/// </summary>
internal sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    public static readonly TimeSpan SlowRequest = TimeSpan.FromSeconds(1);

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var status = context.Response.StatusCode;
            var level = status >= 500 || (elapsed > SlowRequest && !IsStream(context)) ? LogLevel.Warning : LogLevel.Debug;
            if (logger.IsEnabled(level))
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value;
                Answered(logger, level, context.Request.Method, route, status, elapsed.TotalMilliseconds);
            }
        }
    }

    [LoggerMessage(Message = "HTTP {Method} {Route} answered {StatusCode} in {ElapsedMs:F1} ms")]
    private static partial void Answered(ILogger logger, LogLevel level, string method, string? route, int statusCode, double elapsedMs);

    // A change-feed stream lasts as long as its client: long is normal there.
    private static bool IsStream(HttpContext context) =>
        context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.Ordinal) == true;
}
