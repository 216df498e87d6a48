using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace Orbit.Host.OpenApi;

/// <summary>
/// One problem shape (RFC 9457 plus Orbit's <c>code</c>, <c>traceId</c> and <c>errors</c>), documented once as the
/// <c>ProblemDetails</c> component and referenced by every error response. The statuses an operation can answer
/// with are derived from its metadata (authentication, If-Match, Idempotency-Key, a request body, rate limiting),
/// added to those the endpoint declares for its own outcomes (404, 409...).
/// </summary>
internal sealed class ProblemResponsesTransformer : IOpenApiOperationTransformer, IOpenApiDocumentTransformer
{
    public const string SchemaName = "ProblemDetails";
    public const string MediaType = "application/problem+json";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var traits = EndpointTraits.Of(context);
        operation.Responses ??= [];
        var derived = new List<int>();
        if (traits.HasInput)
        {
            derived.Add(StatusCodes.Status400BadRequest);
        }

        if (traits.RequiresAuthentication)
        {
            derived.Add(StatusCodes.Status401Unauthorized);
        }

        if (traits.RequiresPolicy)
        {
            derived.Add(StatusCodes.Status403Forbidden);
        }

        if (traits.HasPathParameters)
        {
            // A path that matches no route (a malformed id) or an id that names nothing.
            derived.Add(StatusCodes.Status404NotFound);
        }

        if (traits.HonoursIdempotencyKey)
        {
            derived.Add(StatusCodes.Status409Conflict);
            derived.Add(StatusCodes.Status422UnprocessableEntity);
        }

        if (traits.HonoursIfMatch)
        {
            derived.Add(StatusCodes.Status412PreconditionFailed);
        }

        if (traits.HasBody)
        {
            derived.Add(StatusCodes.Status413PayloadTooLarge);
            derived.Add(StatusCodes.Status415UnsupportedMediaType);
        }

        if (traits.IsRateLimited)
        {
            derived.Add(StatusCodes.Status429TooManyRequests);
        }

        if (traits.IsApi)
        {
            derived.Add(StatusCodes.Status500InternalServerError);
            derived.Add(StatusCodes.Status503ServiceUnavailable);
        }

        foreach (var status in derived)
        {
            operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse());
        }

        var problem = new OpenApiSchemaReference(SchemaName, context.Document);
        foreach (var (key, value) in operation.Responses.ToList())
        {
            if (!int.TryParse(key, out var status) || status < 400 || value is not OpenApiResponse response)
            {
                continue;
            }

            response.Description = string.IsNullOrWhiteSpace(response.Description) || response.Description == ReasonPhrases.GetReasonPhrase(status)
                ? DescriptionOf(status)
                : response.Description;
            response.Content = new Dictionary<string, OpenApiMediaType> { [MediaType] = new() { Schema = problem } };
        }

        // Sorted by status, so the document reads (and diffs) in a stable order.
        var sorted = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (key, value) in sorted)
        {
            operation.Responses[key] = value;
        }

        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.Remove("HttpValidationProblemDetails");
        document.Components.Schemas[SchemaName] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 9457 problem document. Every error answer of the API has this shape; `code` is stable and machine-readable, `detail` is for people.",
            Required = new HashSet<string> { "type", "title", "status", "code", "traceId" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI reference naming the problem type; `about:blank` when the status says it all." },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the problem type." },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "400", Maximum = "599", Description = "The HTTP status code." },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong in this occurrence, for people." },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request path the problem occurred on." },
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A stable, machine-readable code such as `validation_failed`, `auth.unauthenticated` or `tasks.not_found`." },
                ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The W3C trace id of the request; quote it when reporting a problem." },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "Validation problems: messages by field name (camelCase, `$` for the whole body).",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            },
            // Open for extension, as RFC 9457 allows: clients must ignore members they do not know.
            AdditionalPropertiesAllowed = true,
            Examples = [new JsonObject
            {
                ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                ["title"] = "One or more validation errors occurred.",
                ["status"] = 400,
                ["detail"] = "One or more fields are invalid.",
                ["instance"] = "/api/v1/projects",
                ["code"] = "validation_failed",
                ["traceId"] = "4bf92f3577b34da6a3ce929d0e0e4736",
                ["errors"] = new JsonObject { ["name"] = new JsonArray("name is required and cannot be null or blank.") },
            }],
        };
        return Task.CompletedTask;
    }

    private static string DescriptionOf(int status) => status switch
    {
        400 => "The request is invalid: `errors` names each field (problem document).",
        401 => "No valid credentials (problem document, `WWW-Authenticate: Bearer`).",
        403 => "Authenticated, but not allowed (problem document).",
        404 => "Nothing here, or not visible to the caller (problem document).",
        409 => "Conflicts with the current state (problem document).",
        412 => "If-Match names a version that is no longer current; nothing changed (problem document).",
        413 => "The request body is too large (problem document).",
        415 => "The request body has an unsupported media type (problem document).",
        422 => "Well-formed but not processable (problem document).",
        429 => "Too many requests; wait for the seconds in Retry-After (problem document).",
        500 => "An unexpected error; quote the traceId (problem document).",
        503 => "A dependency (the database) is unavailable; retry after the seconds in Retry-After (problem document).",
        _ => ReasonPhrases.GetReasonPhrase(status) + " (problem document).",
    };
}
