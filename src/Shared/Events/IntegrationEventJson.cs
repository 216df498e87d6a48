using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Orbit.Shared.Events;

/// <summary>
/// The one JSON shape of integration event payloads: camelCase, enums as snake_case strings, timestamps in the API's
/// one format (<see cref="UtcTimestamp"/>). The outbox stores payloads written with these options, and the change feed
/// and webhooks pass them on as <c>data</c>; the OpenAPI document describes them from the same options.
/// </summary>
public static class IntegrationEventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        Converters =
        {
            new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower),
            new UtcTimestamp.DateTimeOffsetConverter(),
            new UtcTimestamp.DateTimeConverter(),
        },
    };

    /// <summary>The payload property every event has (<see cref="IIntegrationEvent.OccurredAt"/>), and the only timestamp v1 payloads carry.</summary>
    public const string OccurredAtProperty = "occurredAt";

    private static readonly JsonSerializerOptions Rewrite = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// A stored payload as it goes out (change feed, webhooks, delivery lists). Payloads written before timestamps had
    /// one format carry <c>occurredAt</c> as <c>2026-11-26T10:04:44.1234567+00:00</c>; those are rewritten to
    /// <see cref="UtcTimestamp.Format"/> on the way out. Stored rows are never rewritten: the audit chain hashes them
    /// as they are. A payload already in the format is returned as it came, character for character.
    /// </summary>
    public static string Normalize(string payloadJson)
    {
        using (var document = JsonDocument.Parse(payloadJson))
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty(OccurredAtProperty, out var occurredAt)
                || occurredAt.ValueKind != JsonValueKind.String
                || !occurredAt.TryGetDateTimeOffset(out var value)
                || occurredAt.GetString() == UtcTimestamp.Write(value))
            {
                return payloadJson;
            }
        }

        var node = JsonNode.Parse(payloadJson)!.AsObject();
        node[OccurredAtProperty] = UtcTimestamp.Write(node[OccurredAtProperty]!.GetValue<DateTimeOffset>());
        return node.ToJsonString(Rewrite);
    }

    /// <inheritdoc cref="Normalize(string)"/>
    public static JsonElement Normalize(JsonElement payload)
    {
        var text = payload.GetRawText();
        var normalized = Normalize(text);
        if (ReferenceEquals(normalized, text))
        {
            return payload;
        }

        using var document = JsonDocument.Parse(normalized);
        return document.RootElement.Clone();
    }
}
