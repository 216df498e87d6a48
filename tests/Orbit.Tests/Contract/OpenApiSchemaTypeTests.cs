using System.Text.Json.Nodes;

namespace Orbit.Tests.Contract;

/// <summary>
/// The class-of-problem guard for <c>unknown</c> in generated clients: every schema in the document says what it is
/// (a type, a reference, a composition, a const or an enum). An exporter that cannot see a type (a custom
/// converter, <c>JsonElement</c>) emits a schema without one, which this finds wherever it appears.
/// </summary>
public sealed class OpenApiSchemaTypeTests
{
    private static readonly string[] Describing = ["type", "$ref", "oneOf", "anyOf", "allOf", "const", "enum"];

    /// <summary>Untyped schemas accepted deliberately, each with its reason; empty today, and it should stay so.</summary>
    private static readonly Dictionary<string, string> KnownUntyped = [];

    [Test]
    public async Task Every_schema_in_the_openapi_document_has_a_type()
    {
        var document = JsonNode.Parse(await ContractFiles.LiveDocumentTextAsync())!;
        var untyped = new List<string>();
        Walk(document["paths"], "#/paths", untyped);
        Walk(document["components"], "#/components", untyped);
        Walk(document["webhooks"], "#/webhooks", untyped);

        var unexpected = untyped.Where(p => !KnownUntyped.ContainsKey(p)).ToList();
        Assert.That(unexpected, Is.Empty, "schemas without a type, $ref, oneOf/anyOf/allOf, const or enum (generated clients see unknown)");
    }

    private static void Walk(JsonNode? node, string pointer, List<string> untyped)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    var childPointer = $"{pointer}/{name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}";
                    if (IsSchemaSlot(name, pointer) && child is JsonObject schema)
                    {
                        CheckSchema(schema, childPointer, untyped);
                    }
                    else
                    {
                        Walk(child, childPointer, untyped);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{pointer}/{i}", untyped);
                }

                break;
        }
    }

    // "schema" under a parameter, header or media type; each entry of components/schemas.
    private static bool IsSchemaSlot(string name, string parent) => name == "schema" || parent.EndsWith("/components/schemas", StringComparison.Ordinal);

    private static void CheckSchema(JsonObject schema, string pointer, List<string> untyped)
    {
        if (!Describing.Any(schema.ContainsKey))
        {
            untyped.Add(pointer);
        }

        foreach (var (name, child) in schema)
        {
            var childPointer = $"{pointer}/{name}";
            switch (name)
            {
                case "properties" or "$defs" or "patternProperties" when child is JsonObject map:
                    foreach (var (property, sub) in map)
                    {
                        if (sub is JsonObject subSchema)
                        {
                            CheckSchema(subSchema, $"{childPointer}/{property}", untyped);
                        }
                    }

                    break;
                case "items" or "additionalProperties" or "not" or "contains" or "propertyNames" when child is JsonObject subSchema:
                    CheckSchema(subSchema, childPointer, untyped);
                    break;
                case "oneOf" or "anyOf" or "allOf" or "prefixItems" when child is JsonArray list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is JsonObject subSchema)
                        {
                            CheckSchema(subSchema, $"{childPointer}/{i}", untyped);
                        }
                    }

                    break;
            }
        }
    }
}
