using Microsoft.AspNetCore.Mvc;
using Orbit.Shared.Http;

namespace Orbit.Host.Http;

/// <summary>
/// Rejects a declared body over the limit before anything reads it. Kestrel enforces the same limit for bodies
/// without a Content-Length (chunked); both end as a 413 problem document.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    public const long MaxBodyBytes = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await ApiResults.WriteProblemAsync(context, new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Detail = $"The request body is larger than {MaxBodyBytes} bytes.",
            });
            return;
        }

        await next(context);
    }
}
