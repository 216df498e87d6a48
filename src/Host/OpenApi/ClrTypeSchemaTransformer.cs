using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Orbit.Shared.Http;
using Orbit.Shared.Paging;

namespace Orbit.Host.OpenApi;

/// <summary>
/// Types whose JSON shape the schema exporter cannot see, keyed on the CLR type rather than on each property:
/// timestamps go through <c>UtcTimestamp.DateTimeConverter</c>, which hides them from the exporter (it emits no type), and
/// enums leave as snake_case strings through <c>JsonStringEnumConverter</c>, which the exporter lists without a type.
/// Pages hold at most <see cref="Cursor.MaxLimit"/> items. String properties whose values come from a fixed list name that list with <see cref="AllowedValuesFromAttribute"/>.
/// </summary>
internal sealed class ClrTypeSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        var underlying = Nullable.GetUnderlyingType(type);
        var nullable = underlying is not null || IsNullableProperty(context);
        var valueType = underlying ?? type;
        if (valueType == typeof(DateTime) || valueType == typeof(DateTimeOffset))
        {
            schema.Type = JsonSchemaType.String | (nullable ? JsonSchemaType.Null : 0);
            schema.Format = "date-time";
            schema.Pattern = null;
        }
        else if (valueType.IsEnum)
        {
            schema.Type = JsonSchemaType.String | (underlying is not null ? JsonSchemaType.Null : 0);
        }
        else if (valueType.IsGenericType && valueType.GetGenericTypeDefinition() == typeof(Page<>)
            && schema.Properties?.TryGetValue("items", out var items) == true && items is OpenApiSchema itemList)
        {
            // The validators cap every list's limit at Cursor.MaxLimit, so no page holds more.
            itemList.MaxItems = Cursor.MaxLimit;
        }

        if (context.JsonPropertyInfo?.AttributeProvider is ICustomAttributeProvider provider
            && provider.GetCustomAttributes(typeof(AllowedValuesFromAttribute), inherit: true).OfType<AllowedValuesFromAttribute>().FirstOrDefault() is { } allowed)
        {
            var target = schema.Items is OpenApiSchema items ? items : schema;
            target.Enum = [.. allowed.Values().Select(v => (JsonNode)JsonValue.Create(v))];
        }

        return Task.CompletedTask;
    }

    private static bool IsNullableProperty(OpenApiSchemaTransformerContext context) =>
        context.JsonPropertyInfo?.AttributeProvider switch
        {
            PropertyInfo property => new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable,
            ParameterInfo parameter => new NullabilityInfoContext().Create(parameter).ReadState == NullabilityState.Nullable,
            _ => false,
        };
}
