using System.Text.Json;
using Json.Schema;
using Orbit.Tests.Contract;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Events;

/// <summary>
/// Validates JSON against schemas of the live OpenAPI document with a strict JSON Schema 2020-12 validator (formats
/// asserted), compiled by <see cref="OpenApiJsonSchema"/>.
/// </summary>
internal sealed class DocumentSchemas
{
    private static readonly EvaluationOptions Strict = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly string _definitions;

    private DocumentSchemas(JsonElement document)
    {
        Document = document;
        _definitions = document.GetProperty("components").GetProperty("schemas").GetRawText();
    }

    public JsonElement Document { get; }

    public JsonElement Schemas => Document.GetProperty("components").GetProperty("schemas");

    public static async Task<DocumentSchemas> LoadAsync()
    {
        using var client = TestPostgres.Api.CreateClient();
        return new DocumentSchemas(JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement.Clone());
    }

    /// <summary>The errors of <paramref name="instance"/> against <paramref name="schema"/> (a schema of the document, refs as written); none when valid.</summary>
    public IReadOnlyList<string> Errors(JsonElement schema, JsonElement instance)
    {
        var results = OpenApiJsonSchema.Compile(schema.GetRawText(), _definitions).Evaluate(instance, Strict);
        return results.IsValid
            ? []
            : [.. (results.Details ?? []).Append(results)
                .Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key} {e.Value}"))
                .Distinct()];
    }

    public IReadOnlyList<string> Errors(string componentName, JsonElement instance) =>
        Errors(JsonDocument.Parse($$"""{"$ref": "#/components/schemas/{{componentName}}"}""").RootElement, instance);
}
