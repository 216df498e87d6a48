namespace Orbit.Shared.Events;

// Markers read by the host's OpenAPI document (src/Host/OpenApi/EventSchemas.cs): a response type that carries event
// payloads says so here, and the document describes it with the schemas generated from the event records, instead of
// an untyped JSON value. They change nothing at run time.

/// <summary>
/// This response type carries one project event: <see cref="TypeProperty"/> names the event type and
/// <see cref="DataProperty"/> holds that event's payload. The document describes it as a oneOf over the project events,
/// discriminated by the type property.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ProjectEventEnvelopeAttribute(string typeProperty, string dataProperty) : Attribute
{
    public string TypeProperty { get; } = typeProperty;

    public string DataProperty { get; } = dataProperty;
}

/// <summary>This property holds <see cref="FieldChange"/>s by field name (<c>{"title": {"before": "A", "after": "B"}}</c>), or null.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class FieldChangesAttribute : Attribute;

/// <summary>This property holds an integration event type (<c>task.updated</c>).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class EventTypeNameAttribute : Attribute;
