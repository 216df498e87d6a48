using System.Text.Json;

namespace Orbit.Shared.Events;

/// <summary>One field's value before and after a change, as events and the activity history carry it.</summary>
public sealed record FieldChange(JsonElement? Before, JsonElement? After)
{
    public static FieldChange Of<T>(T before, T after) =>
        new(before is null ? null : JsonSerializer.SerializeToElement(before, IntegrationEventJson.Options), after is null ? null : JsonSerializer.SerializeToElement(after, IntegrationEventJson.Options));
}
