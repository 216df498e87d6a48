using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Orbit.Shared.Modules;

namespace Orbit.Host.OpenApi;

/// <summary>
/// The outgoing webhooks in the document's top-level <c>webhooks</c> (OpenAPI 3.1), which the framework does not
/// fill: one entry per project event a webhook can subscribe to, its body exactly what the Notifications module sends
/// (<c>{id, type, timestamp, data}</c>, see WebhookSender.Envelope) with the Standard Webhooks headers, and what the
/// receiver's answer means. Runs after <see cref="EventSchemas"/>, whose components it references.
/// </summary>
internal sealed class WebhookDocumentation : IOpenApiDocumentTransformer
{
    public const string MessageSchema = "WebhookMessage";
    private const string Tag = "Webhooks";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var events = IntegrationEventCatalog.Discover(context.ApplicationServices.GetServices<IModule>()).Where(e => e.IsProjectEvent).ToList();
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[MessageSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "What every webhook body has besides the event's `type` and `data`.",
            Required = new HashSet<string> { "id", "timestamp" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["id"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String, Format = "uuid",
                    Description = "The event's id, equal to the `webhook-id` header and the same on every retry: use it to ignore repeats.",
                },
                ["timestamp"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String, Format = "date-time",
                    Description = "When the event happened (UTC, milliseconds), not when this attempt was sent.",
                },
            },
        };

        document.Webhooks ??= new Dictionary<string, IOpenApiPathItem>();
        foreach (var contract in events)
        {
            document.Webhooks[contract.EventType] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Post] = Operation(contract, document) },
            };
        }

        document.Tags ??= new HashSet<OpenApiTag>();
        if (!document.Tags.Any(t => t.Name == Tag))
        {
            document.Tags.Add(new OpenApiTag { Name = Tag });
        }

        return Task.CompletedTask;
    }

    private static OpenApiOperation Operation(IntegrationEventContract contract, OpenApiDocument document) => new()
    {
        OperationId = contract.Type.Name + "Webhook",
        Summary = $"{contract.EventType} (sent to your webhook URL)",
        Description =
            $"Orbit POSTs this to every enabled webhook of the project subscribed to `{contract.EventType}` (or `*`), once the change has committed. " +
            "Verify `webhook-signature` before trusting the body: `v1,` + base64 of HMAC-SHA256, keyed with the bytes of the secret after `whsec_` " +
            "(base64-decoded), over `{webhook-id}.{webhook-timestamp}.{raw body}`; reject timestamps far from now. Delivery is at least once: a " +
            "retry carries the same `webhook-id`.",
        Tags = new HashSet<OpenApiTagReference> { new(Tag, document) },
        // Orbit calls the receiver: no API credentials. The receiver authenticates Orbit by webhook-signature.
        Security = [],
        Parameters =
        [
            Header("webhook-id", "The event's id (uuid), the same on every retry of this event.",
                new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", MaxLength = 36 }),
            Header("webhook-timestamp", "When this attempt was signed, in Unix seconds.",
                new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0", Maximum = "253402300799" }),
            // One signature today (47 characters); Standard Webhooks allows several, space-separated, during secret rotation.
            Header("webhook-signature", "`v1,` followed by the base64 HMAC-SHA256 signature (Standard Webhooks).",
                new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^v1,[A-Za-z0-9+/]{43}=$", MaxLength = 47 }),
            Header("X-Orbit-Event", "The event type, as in the body's `type`.", new OpenApiSchema { Type = JsonSchemaType.String, Const = contract.EventType }),
        ],
        RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "`application/json; charset=utf-8`.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        AllOf = [new OpenApiSchemaReference(MessageSchema, document), new OpenApiSchemaReference(contract.EventSchema, document)],
                    },
                },
            },
        },
        Responses = new OpenApiResponses
        {
            ["2XX"] = new OpenApiResponse { Description = "Acknowledged: the delivery is recorded as succeeded. The body is not read beyond 64 KiB and not used." },
            ["default"] = new OpenApiResponse
            {
                Description = "Anything else (another status, a redirect, which is not followed, or no answer within 10 s) is a failed attempt: " +
                    "it is retried with exponential backoff (by default 8 attempts over about a day), then the delivery is marked failed; a webhook " +
                    "whose attempts have all failed for a day is disabled. Maintainers see every attempt and can redeliver.",
            },
        },
    };

    private static OpenApiParameter Header(string name, string description, OpenApiSchema schema) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = schema,
    };
}
