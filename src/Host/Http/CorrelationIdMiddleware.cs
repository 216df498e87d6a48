using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Orbit.Host.Http;

/// <summary>
/// Every response carries <c>X-Correlation-Id</c>: the caller's when it is a sane token, else this request's trace id,
/// so one id finds the request in logs and in traces. It is also put on the logging scope and the server span.
/// </summary>
internal sealed partial class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public const string HeaderName = "X-Correlation-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var given = context.Request.Headers[HeaderName].ToString();
        var correlationId = SafeId().IsMatch(given)
            ? given
            : Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;

        context.Items[HeaderName] = correlationId;
        // OnStarting: the exception handler clears headers set earlier, and error responses need the id most.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = correlationId;
            return Task.CompletedTask;
        });
        Activity.Current?.SetTag("orbit.correlation_id", correlationId);
        using (logger.BeginScope("CorrelationId:{CorrelationId}", correlationId))
        {
            await next(context);
        }
    }

    // Echoed into a response header and into logs: no control characters, bounded length.
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex SafeId();
}
