using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Orbit.Shared.Http;

namespace Orbit.Host.OpenApi;

/// <summary>
/// Describes the <c>text/event-stream</c> answer of endpoints with <see cref="ServerSentEventsMetadata"/>, beside their
/// JSON answer, and declares <c>Last-Event-ID</c>.
/// OpenAPI 3.1 has no way to type the messages of a stream (3.2's <c>itemSchema</c> is not valid 3.1: the 3.1 schema
/// closes the Media Type object, so linters reject it and openapi-typescript 7 ignores it). The stream is therefore a
/// string whose description gives the framing, and <c>x-sse-data</c> references the schema of each message's
/// <c>data</c>, which generators skip and readers (and Scalar) can follow.
/// </summary>
internal sealed class ServerSentEventsDocumentation : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ServerSentEventsMetadata>().FirstOrDefault() is not { } stream)
        {
            return Task.CompletedTask;
        }

        var dataSchema = stream.DataType.Name;
        if (operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse response)
        {
            throw new InvalidOperationException($"{operation.OperationId} streams events but documents no 200 response.");
        }

        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        response.Content[ServerSentEventsMetadata.ContentType] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description =
                    "With `Accept: text/event-stream`: a stream of Server-Sent Events (https://html.spec.whatwg.org/multipage/server-sent-events.html) " +
                    "that stays open. First `retry: 2000`, then one message per event:\n\n" +
                    "```\nid: <cursor>\nevent: <type, e.g. task.created>\ndata: <one line of JSON>\n\n```\n\n" +
                    $"`data` is a `{dataSchema}` (the same JSON as an item of the JSON page; `x-sse-data` references its schema), `event` repeats its `type`, " +
                    "and `id` is its cursor: reconnect with it as `Last-Event-ID` to continue after it. Lines starting with `:` are " +
                    "keep-alive comments and carry no event.\n\n" +
                    "The stream ends when its credential stops granting access: at the access token's expiry (`exp`) exactly, and within " +
                    "seconds when the user is disabled, the personal access token revoked, or the user's sessions ended (sign out everywhere, " +
                    $"password change, forced reset). Its last message then says why, without an `id`:\n\n```\nevent: {ServerSentEventsMetadata.SessionEndedEvent}\n" +
                    "data: {\"reason\":\"token_expired\"}\n\n```\n\n`reason` is `token_expired` (refresh the access token, then reconnect with " +
                    "`Last-Event-ID`), `user_disabled`, `token_revoked` or `signed_out` (sign in again). Reconnecting with the same credential " +
                    "would only be refused (401).",
            },
            Extensions = new Dictionary<string, IOpenApiExtension>
            {
                ["x-sse-data"] = new JsonNodeExtension(new JsonObject { ["$ref"] = $"#/components/schemas/{dataSchema}" }),
            },
        };

        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = ServerSentEventsMetadata.LastEventIdHeader,
            In = ParameterLocation.Header,
            Required = false,
            Description = "Streams only: continue after this event (an event's `id`, as an EventSource sends it when it reconnects). Wins over `after`.",
            // Cursors this feed issues are a few dozen characters; anything longer is refused as not one of them.
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 },
        });
        return Task.CompletedTask;
    }
}
