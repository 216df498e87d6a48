namespace Orbit.Host.Http;

/// <summary>
/// Rejects a declared body over the limit before anything reads it. Kestrel enforces the same limit for bodies
/// without a Content-Length (chunked); both end as a 413 problem document.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    public const long MaxBodyBytes = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Detail = $"The request body is larger than {MaxBodyBytes} bytes.",
                },
            });
            return;
        }

        await next(context);
    }
}
