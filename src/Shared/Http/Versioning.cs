using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Orbit.Shared.Results;

namespace Orbit.Shared.Http;

/// <summary>
/// Optimistic concurrency over HTTP: a resource's integer <c>version</c> is its strong ETag (<c>"7"</c>), and
/// <c>If-Match</c> carries the version a client last saw.
/// </summary>
public static class Versioning
{
    public static readonly Error InvalidIfMatch = Error.Validation("If-Match", "If-Match must be a version ETag such as \"3\", or *.");

    /// <summary>The version <c>If-Match</c> demands: <c>null</c> when absent or <c>*</c>.</summary>
    public static Result<int?> ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return (int?)null;
        }

        if (!EntityTagHeaderValue.TryParse(header, out var tag) || tag.IsWeak
            || !int.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return InvalidIfMatch;
        }

        return (int?)version;
    }

    public static string ETagOf(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>200 with the resource and its ETag.</summary>
    public static IResult Ok<T>(T resource, int version, HttpContext context)
    {
        context.Response.Headers.ETag = ETagOf(version);
        return TypedResults.Ok(resource);
    }

    /// <summary>201 with Location, the resource and its ETag.</summary>
    public static IResult Created<T>(string location, T resource, int version, HttpContext context)
    {
        context.Response.Headers.ETag = ETagOf(version);
        return TypedResults.Created(location, resource);
    }

    private const string IfMatchItem = "orbit.if-match";

    /// <summary>
    /// The endpoint honours <c>If-Match</c>: a malformed header is answered 400 before the handler runs, the OpenAPI
    /// description lists the header, and the handler reads the demanded version with <see cref="IfMatchVersion"/>.
    /// </summary>
    public static RouteHandlerBuilder AcceptsIfMatch(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new IfMatchMetadata()).AddEndpointFilter(async (context, next) =>
        {
            var expected = ExpectedVersion(context.HttpContext.Request);
            if (!expected.IsSuccess)
            {
                return ApiResults.Problem(expected.Error);
            }

            context.HttpContext.Items[IfMatchItem] = expected.Value;
            return await next(context);
        });

    /// <summary>The version <c>If-Match</c> demanded on an endpoint declared with <see cref="AcceptsIfMatch"/>; null when none.</summary>
    public static int? IfMatchVersion(HttpContext context) => context.Items[IfMatchItem] as int?;

    public sealed class IfMatchMetadata;

    public static Error Stale(int expected, int actual) => Error.PreconditionFailed(
        "version_mismatch", $"If-Match asked for version {expected} but the resource is at version {actual}; read it again and retry.");
}
