using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Shared.Http;

/// <summary>The one place where an expected failure becomes an RFC 9457 problem document.</summary>
public static class ApiResults
{
    public static IResult Problem(Error error) => new ProblemResult(error);

    /// <summary>200 with the page, and the RFC 8288 <c>Link: rel="next"</c> header when there is a next page.</summary>
    public static IResult Page<T>(Page<T> page, HttpContext context)
    {
        if (page.NextCursor is not null)
        {
            var request = context.Request;
            var query = QueryString.Create(request.Query
                .Where(q => !q.Key.Equals("cursor", StringComparison.OrdinalIgnoreCase))
                .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
                .Append(new KeyValuePair<string, string?>("cursor", page.NextCursor)));
            var next = UriHelper.BuildRelative(request.PathBase, request.Path, query);
            context.Response.Headers.Append("Link", $"<{next}>; rel=\"next\"");
        }

        return TypedResults.Ok(page);
    }

    /// <summary>
    /// Writes a problem document through the host's problem details service (which adds traceId and instance). That
    /// service declines when the request's Accept excludes JSON (an EventSource sends only text/event-stream); the
    /// answer is then written as application/problem+json anyway, since a client is owed the reason for an error.
    /// </summary>
    public static async Task WriteProblemAsync(HttpContext httpContext, ProblemDetails problem)
    {
        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var writer = httpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        var accept = httpContext.Request.Headers.Accept;
        if (await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem }))
        {
            return;
        }

        httpContext.Request.Headers.Accept = "application/problem+json";
        try
        {
            await writer.WriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
        }
        finally
        {
            httpContext.Request.Headers.Accept = accept;
        }
    }

    public static int StatusCodeOf(ErrorType type) => type switch
    {
        ErrorType.Validation => StatusCodes.Status400BadRequest,
        ErrorType.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorType.Forbidden => StatusCodes.Status403Forbidden,
        ErrorType.NotFound => StatusCodes.Status404NotFound,
        ErrorType.Conflict => StatusCodes.Status409Conflict,
        ErrorType.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        ErrorType.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ErrorType.TooManyRequests => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Whole seconds for <c>Retry-After</c>, rounded up and at least 1, so that a client never retries too early.</summary>
    public static string RetryAfterSeconds(TimeSpan wait) =>
        Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class ProblemResult(Error error) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode { get; } = StatusCodeOf(error.Type);

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var status = StatusCode!.Value;
            ProblemDetails problem = error is ValidationError validation
                ? new HttpValidationProblemDetails(validation.Errors.ToDictionary(e => e.Key, e => e.Value))
                : new ProblemDetails();
            problem.Status = status;
            problem.Title = error.Type == ErrorType.Validation ? "One or more validation errors occurred." : null;
            problem.Detail = error.Detail;
            problem.Extensions["code"] = error.Code;

            if (status == StatusCodes.Status401Unauthorized)
            {
                httpContext.Response.Headers.WWWAuthenticate = new StringValues("Bearer");
            }

            if (error is RetryLaterError retryLater)
            {
                httpContext.Response.Headers.RetryAfter = RetryAfterSeconds(retryLater.RetryAfter);
            }

            await WriteProblemAsync(httpContext, problem);
        }
    }
}
