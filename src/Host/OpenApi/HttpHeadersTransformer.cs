using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Orbit.Shared.Http;
using Orbit.Shared.Paging;

namespace Orbit.Host.OpenApi;

/// <summary>
/// Request and response headers, derived from endpoint metadata and response types and declared once as
/// components: If-Match and Idempotency-Key where the endpoint honours them; Location on every 201; ETag where the
/// resource carries a version; Link on pages; Idempotent-Replayed on replayable answers; WWW-Authenticate on 401;
/// Retry-After on 429 and 503.
/// </summary>
internal sealed class HttpHeadersTransformer : IOpenApiOperationTransformer, IOpenApiDocumentTransformer
{
    // Always sent where declared: Location on 201, WWW-Authenticate on 401, Retry-After on 429 and 503. The rest
    // only sometimes (no next page, not a replay, a resource without a version).
    private static readonly Dictionary<string, OpenApiHeader> ResponseHeaders = new()
    {
        ["Location"] = new() { Required = true, Description = "The URL of the created resource; a GET on it answers 200.", Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", MaxLength = 2000 } },
        ["ETag"] = new() { Description = "The resource's version as a strong entity tag, e.g. \"3\"; send it back in If-Match.", Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^\"[0-9]+\"$", MaxLength = 12 } },
        ["Link"] = new() { Description = "RFC 8288 link to the next page (`rel=\"next\"`), present when there is one.", Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 4000 } },
        ["Idempotent-Replayed"] = new() { Description = "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.", Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("true")] } },
        ["WWW-Authenticate"] = new() { Required = true, Description = "The authentication scheme to use: `Bearer`.", Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 } },
        ["Retry-After"] = new() { Required = true, Description = "Seconds to wait before retrying.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "86400" } },
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var traits = EndpointTraits.Of(context);
        if (traits.HonoursIdempotencyKey)
        {
            AddRequestHeader(operation, Idempotency.HeaderName,
                "Optional. The same key from the same user within 24 h replays the first answer instead of creating again (1 to 200 printable characters).",
                new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 200 });
        }

        if (traits.HonoursIfMatch)
        {
            AddRequestHeader(operation, "If-Match",
                "Optional. The ETag (version) last read, e.g. \"3\", or `*`; when it is stale the request gets 412 and changes nothing.",
                new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^(\\*|\"[0-9]+\")$" });
        }

        var responseTypes = context.Description.SupportedResponseTypes;
        foreach (var (key, value) in operation.Responses ?? [])
        {
            if (!int.TryParse(key, out var status) || value is not OpenApiResponse response)
            {
                continue;
            }

            var type = responseTypes.FirstOrDefault(r => r.StatusCode == status)?.Type;
            var headers = new List<string>();
            if (status == StatusCodes.Status201Created)
            {
                headers.Add("Location");
            }

            if (status is >= 200 and < 300 && HasVersion(type))
            {
                headers.Add("ETag");
            }

            if (status == StatusCodes.Status200OK && type is { IsGenericType: true } && type.GetGenericTypeDefinition() == typeof(Page<>))
            {
                headers.Add("Link");
            }

            if (status is >= 200 and < 300 && traits.HonoursIdempotencyKey)
            {
                headers.Add("Idempotent-Replayed");
            }

            if (status == StatusCodes.Status401Unauthorized)
            {
                headers.Add("WWW-Authenticate");
            }

            if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
            {
                headers.Add("Retry-After");
            }

            foreach (var name in headers)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers[name] = new OpenApiHeaderReference(name, context.Document);
            }
        }

        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        foreach (var (name, header) in ResponseHeaders)
        {
            document.Components.Headers[name] = header;
        }

        return Task.CompletedTask;
    }

    private static void AddRequestHeader(OpenApiOperation operation, string name, string description, OpenApiSchema schema)
    {
        operation.Parameters ??= [];
        if (operation.Parameters.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Header, Description = description, Schema = schema });
    }

    // A resource with an integer version is served with that version as its ETag (Versioning.Ok and Created).
    private static bool HasVersion(Type? type) =>
        type?.GetProperty("Version") is { } property && (property.PropertyType == typeof(int) || property.PropertyType == typeof(long));
}
