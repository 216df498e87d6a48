using System.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace Orbit.Host.Http;

/// <summary>
/// Completes every problem document the host writes, whoever wrote it (an endpoint's <c>ApiResults</c>, the
/// exception handler, the rate limiter, or the framework's status-code pages for 401/403/404/405/415), so that all
/// share one shape: <c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c>, <c>instance</c>, a stable <c>code</c>
/// and the <c>traceId</c>.
/// </summary>
internal static class ProblemDocuments
{
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Status = status;
        problem.Instance ??= context.HttpContext.Request.Path;
        // ASP.NET Core knows no type for some statuses (429 among them); RFC 9457 says "about:blank" then.
        problem.Type ??= status == StatusCodes.Status429TooManyRequests ? "https://www.rfc-editor.org/rfc/rfc6585#section-4" : "about:blank";
        problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
        var (code, detail) = DefaultsFor(status);
        problem.Detail ??= detail;
        if (!problem.Extensions.ContainsKey("code"))
        {
            problem.Extensions["code"] = code;
        }

        problem.Extensions.Remove("requestId");
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
    }

    /// <summary>What a problem means when its writer said nothing more specific (mostly the framework's own answers).</summary>
    private static (string Code, string Detail) DefaultsFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ("request.invalid", "The request could not be read."),
        StatusCodes.Status401Unauthorized => ("auth.unauthenticated", "Send a valid access token or personal access token as Authorization: Bearer <token>."),
        StatusCodes.Status403Forbidden => ("auth.forbidden", "Your account is not allowed to do this."),
        StatusCodes.Status404NotFound => ("route.not_found", "No resource lives at this URL."),
        StatusCodes.Status405MethodNotAllowed => ("http.method_not_allowed", "This URL does not support this HTTP method; the Allow header lists those it does."),
        StatusCodes.Status406NotAcceptable => ("http.not_acceptable", "The API answers with JSON (and the change feed also with text/event-stream)."),
        StatusCodes.Status413PayloadTooLarge => ("http.payload_too_large", "The request body is too large."),
        StatusCodes.Status415UnsupportedMediaType => ("http.unsupported_media_type", "The request body must be application/json."),
        StatusCodes.Status429TooManyRequests => ("rate_limit.exceeded", "Too many requests. Wait for the number of seconds in Retry-After."),
        StatusCodes.Status503ServiceUnavailable => ("service.unavailable", "A dependency is unavailable. Try again shortly."),
        >= 500 => ("server.error", "An unexpected error occurred. Quote the traceId when you report it."),
        _ => ("http." + status.ToString(System.Globalization.CultureInfo.InvariantCulture), ReasonPhrases.GetReasonPhrase(status)),
    };
}
