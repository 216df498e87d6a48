using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Orbit.Shared.Http;

namespace Orbit.Host.Http;

/// <summary>
/// Rejects a declared body over the limit before anything reads it. Kestrel enforces the same limit for bodies
/// without a Content-Length (chunked); both end as a 413 problem document. An endpoint may lower the limit with
/// request-size metadata (client telemetry takes 16 KiB): routing passes it to Kestrel, and this checks it here.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    public const long MaxBodyBytes = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? MaxBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await ApiResults.WriteProblemAsync(context, new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Detail = $"The request body is larger than {limit} bytes.",
            });
            return;
        }

        await next(context);
    }
}
