using System.Text.Json.Nodes;
using Json.Schema;

namespace Orbit.Tests.Contract;

/// <summary>
/// A schema of the OpenAPI document as a standalone JSON Schema 2020-12: the document's component schemas become its
/// <c>$defs</c>, so the <c>#/components/schemas/...</c> references resolve as written, offline. Used by the response
/// check on every answer and by the event-schema tests.
/// </summary>
public static class OpenApiJsonSchema
{
    /// <param name="schema">A schema of the document (its refs as the document writes them).</param>
    /// <param name="componentSchemas">The document's <c>components.schemas</c> object, as JSON.</param>
    public static JsonSchema Compile(string schema, string componentSchemas)
    {
        var root = JsonNode.Parse(ToDefinitions(schema))!.AsObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        // A unique id per compiled schema: the library registers schemas by id, and two documents' $defs must not meet.
        var id = new Uri($"https://orbit.tests/schemas/{Guid.NewGuid():N}");
        root["$id"] = id.ToString();
        root["$defs"] = JsonNode.Parse(ToDefinitions(componentSchemas));
        return JsonSchema.FromText(root.ToJsonString(), baseUri: id);
    }

    private static string ToDefinitions(string json) => json.Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal);
}
