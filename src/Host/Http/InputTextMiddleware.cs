using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Host.Http;

/// <summary>
/// Holds every JSON request body to <see cref="InputText"/>'s rule before the endpoint reads it, whatever the
/// endpoint binds it to (a record, or the raw <c>JsonElement</c> of a merge patch), and answers a 400 validation
/// problem naming each field that breaks it. Runs after authorization, so credentials are judged first as before.
/// The body is buffered in memory (it is at most the endpoint's size limit) and read again by the endpoint.
/// </summary>
internal sealed class InputTextMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IAcceptsMetadata>() is null || !IsJson(context.Request.ContentType)
            || context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false)
        {
            await next(context);
            return;
        }

        var limit = endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? RequestBodyLimitMiddleware.MaxBodyBytes;
        context.Request.EnableBuffering(bufferThreshold: (int)Math.Min(limit, int.MaxValue));
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        context.Request.Body.Position = 0;

        var faults = InputText.FaultsIn(body.GetBuffer().AsSpan(0, (int)body.Length));
        if (faults.Count > 0)
        {
            await ApiResults.Problem(new ValidationError(faults)).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
}
