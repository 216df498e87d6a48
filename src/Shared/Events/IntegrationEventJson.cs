using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orbit.Shared.Events;

/// <summary>The one JSON shape of integration event payloads: camelCase, enums as snake_case strings.</summary>
public static class IntegrationEventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
