using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Orbit.Shared.Events;
using Orbit.Shared.Modules;

namespace Orbit.Host.OpenApi;

/// <summary>
/// Publishes the integration events in the OpenAPI document and types every response that carries them:
/// <list type="bullet">
/// <item>a payload schema per event record (<c>TaskCreated</c>), generated from the record's JSON contract under
/// <see cref="IntegrationEventJson.Options"/> (the serializer the outbox, the feed and webhooks use), so a schema cannot
/// drift from what is sent;</item>
/// <item>a <c>{type, data}</c> schema per event (<c>TaskCreatedEvent</c>, <c>type</c> a constant), and the discriminated
/// oneOf over them, <c>IntegrationEvent</c>; <c>EventType</c> lists every type;</item>
/// <item>response types marked <see cref="ProjectEventEnvelopeAttribute"/> become a oneOf over the project events
/// (see <see cref="DescribeEnvelope"/>); properties marked <see cref="FieldChangesAttribute"/> and
/// <see cref="EventTypeNameAttribute"/> get <c>FieldChange</c> maps and <c>EventType</c>.</item>
/// </list>
/// </summary>
internal sealed class EventSchemas : IOpenApiDocumentTransformer
{
    public const string IntegrationEvent = "IntegrationEvent";
    public const string EventType = "EventType";
    public const string FieldChange = "FieldChange";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var modules = context.ApplicationServices.GetServices<IModule>().ToList();
        var events = IntegrationEventCatalog.Discover(modules);
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        var schemas = document.Components.Schemas;

        Add(schemas, FieldChange, FieldChangeSchema());
        Add(schemas, EventType, new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "An integration event type.",
            Enum = [.. events.Select(e => (JsonNode)JsonValue.Create(e.EventType))],
        });
        foreach (var contract in events)
        {
            Add(schemas, contract.PayloadSchema, PayloadSchema(contract, document));
            Add(schemas, contract.EventSchema, new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = $"A `{contract.EventType}` event: its type and its payload.",
                Required = new HashSet<string> { "type", "data" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = contract.EventType },
                    ["data"] = new OpenApiSchemaReference(contract.PayloadSchema, document),
                },
            });
        }

        Add(schemas, IntegrationEvent, OneOf(document, events,
            "Every integration event Orbit publishes, discriminated by `type`: the catalogue of event schemas. The events of a project " +
            "reach clients through the change feed (`FeedEvent`) and webhooks (`webhooks`); `user.registered` concerns no project and is only audited."));

        foreach (var type in IntegrationEventCatalog.OrbitAssemblies(modules).SelectMany(a => a.GetTypes()))
        {
            DescribeEnvelope(type, document, events);
            DescribeEventProperties(type, document);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The payload's schema from its JSON contract: every property the serializer writes (it writes nulls too, so all
    /// are required), nullable where the record says so. A property type this does not know fails the document
    /// rather than being described loosely.
    /// </summary>
    internal static OpenApiSchema PayloadSchema(IntegrationEventContract contract, OpenApiDocument document)
    {
        var info = IntegrationEventJson.Options.GetTypeInfo(contract.Type);
        var properties = new Dictionary<string, IOpenApiSchema>();
        foreach (var property in info.Properties.Where(p => p.Get is not null))
        {
            properties[property.Name] = PropertySchema(contract, property, document);
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = $"Payload of `{contract.EventType}` events (version {contract.EventVersion}).",
            Required = new HashSet<string>(properties.Keys),
            Properties = properties,
        };
    }

    private static IOpenApiSchema PropertySchema(IntegrationEventContract contract, JsonPropertyInfo property, OpenApiDocument document)
    {
        var nullable = property.IsGetNullable;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        IOpenApiSchema schema = type switch
        {
            _ when type == typeof(Guid) => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
            _ when type == typeof(string) => new OpenApiSchema { Type = JsonSchemaType.String },
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => new OpenApiSchema
            {
                Type = JsonSchemaType.String, Format = "date-time", Description = "UTC with milliseconds, e.g. 2026-11-26T10:04:44.123Z.",
            },
            _ when type == typeof(DateOnly) => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
            _ when type == typeof(int) => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            _ when type == typeof(long) => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
            _ when type == typeof(bool) => new OpenApiSchema { Type = JsonSchemaType.Boolean },
            _ when type.IsEnum => EnumReference(type, document),
            _ when type == typeof(Shared.Events.FieldChange) => new OpenApiSchemaReference(FieldChange, document),
            _ when DictionaryValueOf(type) == typeof(Shared.Events.FieldChange) => new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Each changed field (its API name) with its value before and after.",
                AdditionalProperties = new OpenApiSchemaReference(FieldChange, document),
            },
            _ when ListItemOf(type) == typeof(string) => new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            _ => throw new NotSupportedException(
                $"{contract.Type.Name}.{property.Name} is a {type.Name}: describe that type in {nameof(EventSchemas)} before publishing it in an event."),
        };

        if (!nullable)
        {
            return schema;
        }

        if (schema is OpenApiSchema { Type: { } flags } inline)
        {
            inline.Type = flags | JsonSchemaType.Null;
            return inline;
        }

        return new OpenApiSchema { OneOf = [schema, new OpenApiSchema { Type = JsonSchemaType.Null }] };
    }

    /// <summary>The enum's component (the API's own, when responses use the enum too), written as its snake_case names.</summary>
    private static OpenApiSchemaReference EnumReference(Type type, OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        if (!schemas.ContainsKey(type.Name))
        {
            schemas[type.Name] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = [.. Enum.GetNames(type).Select(n => (JsonNode)JsonValue.Create(JsonNamingPolicy.SnakeCaseLower.ConvertName(n)))],
            };
        }

        return new OpenApiSchemaReference(type.Name, document);
    }

    private static Type? DictionaryValueOf(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var definition
        && (definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>))
        && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null;

    private static Type? ListItemOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1 ? type.GetGenericArguments()[0]
        : null;

    /// <summary>What <see cref="Shared.Events.FieldChange"/> holds: the API values of a task's or project's fields.</summary>
    private static OpenApiSchema FieldChangeSchema()
    {
        OpenApiSchema Value(string description) => new()
        {
            // Every field an event reports (title, description, status, priority, assigneeId, labels, dueDate, parentId,
            // name, role, body) is a string or a list of strings; null is "nothing" (unassigned, no due date, created).
            Type = JsonSchemaType.String | JsonSchemaType.Array | JsonSchemaType.Null,
            Items = new OpenApiSchema { Type = JsonSchemaType.String },
            Description = description,
        };

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "One field's value before and after a change, as the field appears in the API (labels as a list).",
            Required = new HashSet<string> { "before", "after" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["before"] = Value("The value before; null when there was none (or the thing was created)."),
                ["after"] = Value("The value after; null when there is none (or the thing was removed)."),
            },
        };
    }

    private static OpenApiSchema OneOf(OpenApiDocument document, IReadOnlyList<IntegrationEventContract> events, string description) => new()
    {
        Description = description,
        OneOf = [.. events.Select(e => (IOpenApiSchema)new OpenApiSchemaReference(e.EventSchema, document))],
        Discriminator = new OpenApiDiscriminator
        {
            PropertyName = "type",
            Mapping = events.ToDictionary(e => e.EventType, e => new OpenApiSchemaReference(e.EventSchema, document)),
        },
    };

    /// <summary>
    /// A response type carrying a project event. With properties <c>type</c> and <c>data</c> (the change feed's
    /// <c>FeedEvent</c>) it becomes a oneOf discriminated by <c>type</c> over one component per event
    /// (<c>TaskCreatedFeedEvent</c>: its other properties, the type constant, the payload). Otherwise (a delivery's
    /// <c>eventType</c>) it is <c>allOf</c> its other properties and an inline oneOf pairing each type constant with
    /// its payload. Not <c>allOf</c> with a discriminated schema: openapi-typescript reads that as inheritance and types
    /// <c>type</c> as the schema's own name.
    /// </summary>
    private static void DescribeEnvelope(Type type, OpenApiDocument document, IReadOnlyList<IntegrationEventContract> events)
    {
        if (type.GetCustomAttribute<ProjectEventEnvelopeAttribute>() is not { } envelope)
        {
            return;
        }

        var target = Component(document, type);
        var closed = target.AdditionalPropertiesAllowed == false;
        var rest = (target.Properties ?? new Dictionary<string, IOpenApiSchema>())
            .Where(p => p.Key != envelope.TypeProperty && p.Key != envelope.DataProperty)
            .ToList();
        var restRequired = (target.Required ?? new HashSet<string>()).Where(r => r != envelope.TypeProperty && r != envelope.DataProperty).ToList();
        var projectEvents = events.Where(e => e.IsProjectEvent).ToList();

        OpenApiSchema Member(IntegrationEventContract e, bool withRest)
        {
            var properties = withRest ? rest.ToDictionary(p => p.Key, p => p.Value) : new Dictionary<string, IOpenApiSchema>();
            properties[envelope.TypeProperty] = new OpenApiSchema { Type = JsonSchemaType.String, Const = e.EventType };
            properties[envelope.DataProperty] = new OpenApiSchemaReference(e.PayloadSchema, document);
            return new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string>((withRest ? restRequired : []).Append(envelope.TypeProperty).Append(envelope.DataProperty)),
                Properties = properties,
                AdditionalPropertiesAllowed = !(withRest && closed),
            };
        }

        target.Type = null;
        target.Properties = null;
        target.Required = null;
        target.AdditionalProperties = null;
        target.AdditionalPropertiesAllowed = true;
        if (envelope is { TypeProperty: "type", DataProperty: "data" })
        {
            foreach (var e in projectEvents)
            {
                var member = Member(e, withRest: true);
                member.Description = $"{type.Name} of a `{e.EventType}` event.";
                Add(document.Components!.Schemas!, e.Type.Name + type.Name, member);
            }

            target.OneOf = [.. projectEvents.Select(e => (IOpenApiSchema)new OpenApiSchemaReference(e.Type.Name + type.Name, document))];
            target.Discriminator = new OpenApiDiscriminator
            {
                PropertyName = envelope.TypeProperty,
                Mapping = projectEvents.ToDictionary(e => e.EventType, e => new OpenApiSchemaReference(e.Type.Name + type.Name, document)),
            };
            return;
        }

        // Closed as before, but across the allOf: additionalProperties would see no properties here and refuse them all.
        target.UnevaluatedProperties = !closed; // false is written as unevaluatedProperties: false
        target.AllOf =
        [
            new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = rest.ToDictionary(p => p.Key, p => p.Value),
                Required = new HashSet<string>(restRequired),
            },
            new OpenApiSchema { OneOf = [.. projectEvents.Select(e => (IOpenApiSchema)Member(e, withRest: false))] },
        ];
    }

    private static void DescribeEventProperties(Type type, OpenApiDocument document)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            IOpenApiSchema? schema =
                property.GetCustomAttribute<FieldChangesAttribute>() is not null ? new OpenApiSchema
                {
                    Type = JsonSchemaType.Object | JsonSchemaType.Null,
                    Description = "Each changed field (its API name) with its value before and after; null when the event changes no field.",
                    AdditionalProperties = new OpenApiSchemaReference(FieldChange, document),
                }
                : property.GetCustomAttribute<EventTypeNameAttribute>() is not null ? new OpenApiSchemaReference(EventType, document)
                : null;
            if (schema is null)
            {
                continue;
            }

            var target = Component(document, type);
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (target.Properties?.ContainsKey(name) != true)
            {
                throw new InvalidOperationException($"The schema {type.Name} has no property {name} to describe.");
            }

            target.Properties[name] = schema;
        }
    }

    private static OpenApiSchema Component(OpenApiDocument document, Type type) =>
        document.Components?.Schemas?.TryGetValue(type.Name, out var schema) == true && schema is OpenApiSchema inline
            ? inline
            : throw new InvalidOperationException($"{type.FullName} carries events but the document has no schema {type.Name}: is it still a response type?");

    private static void Add(IDictionary<string, IOpenApiSchema> schemas, string name, OpenApiSchema schema)
    {
        if (!schemas.TryAdd(name, schema))
        {
            throw new InvalidOperationException($"The document already has a schema named {name}; an event schema cannot take its name.");
        }
    }
}
