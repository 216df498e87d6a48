using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Orbit.Host.OpenApi;

/// <summary>
/// An endpoint that reads its body by hand (a <see cref="JsonElement"/>, as the task merge patch does to tell absent
/// from null) declares the body's shape with <c>Accepts&lt;T&gt;(content types)</c>; the generator still describes the
/// raw element. Here the declared type wins, for every declared content type, and the untyped raw element's
/// component is dropped once nothing refers to it.
/// </summary>
internal sealed class AcceptedBodyTransformer : IOpenApiOperationTransformer, IOpenApiDocumentTransformer
{
    private const string RawElement = nameof(JsonElement);

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var accepts = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAcceptsMetadata>().LastOrDefault(a => a.RequestType is not null);
        var boundToElement = context.Description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body && p.Type == typeof(JsonElement));
        if (accepts?.RequestType is not { } type || !boundToElement || operation.RequestBody is not OpenApiRequestBody body)
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
        context.Document!.AddComponent(type.Name, schema);
        body.Content = accepts.ContentTypes.ToDictionary(
            contentType => contentType,
            _ => new OpenApiMediaType { Schema = new OpenApiSchemaReference(type.Name, context.Document) });
    }

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        if (document.Components?.Schemas?.ContainsKey(RawElement) != true)
        {
            return;
        }

        var text = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken);
        if (!text.Contains($"#/components/schemas/{RawElement}\"", StringComparison.Ordinal))
        {
            document.Components.Schemas.Remove(RawElement);
        }
    }
}
