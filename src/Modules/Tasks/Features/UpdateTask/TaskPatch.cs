using System.Text.Json;
using Orbit.Shared.Results;

namespace Orbit.Modules.Tasks.Features.UpdateTask;

/// <summary>A field of a merge patch: absent (leave as is), or present with a value that may be null (clear).</summary>
internal readonly record struct Patched<T>(bool IsPresent, T Value)
{
    public static Patched<T> Absent => default;

    public T Or(T current) => IsPresent ? Value : current;
}

/// <summary>
/// An RFC 7396 JSON merge patch of a task. Read from the raw JSON because "absent" and "null" mean different things
/// (keep versus clear), which a bound record cannot tell apart.
/// </summary>
internal sealed record TaskPatch
{
    private static readonly string[] Fields = ["title", "description", "status", "priority", "assigneeId", "labels", "dueDate", "parentId"];

    public Patched<string?> Title { get; init; }

    public Patched<string?> Description { get; init; }

    public Patched<string?> Status { get; init; }

    public Patched<string?> Priority { get; init; }

    public Patched<Guid?> AssigneeId { get; init; }

    public Patched<IReadOnlyList<string>?> Labels { get; init; }

    public Patched<string?> DueDate { get; init; }

    public Patched<Guid?> ParentId { get; init; }

    /// <summary>Parses the body, or names every field that is unknown or of the wrong JSON type.</summary>
    public static Result<TaskPatch> Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Error.Validation("$", "The body must be a JSON object of the fields to change.");
        }

        var errors = new Dictionary<string, string[]>();
        foreach (var property in body.EnumerateObject().Where(p => !Fields.Contains(p.Name, StringComparer.Ordinal)))
        {
            errors[property.Name] = ["is not a known property."];
        }

        var patch = new TaskPatch
        {
            Title = Text(body, "title", errors),
            Description = Text(body, "description", errors),
            Status = Text(body, "status", errors),
            Priority = Text(body, "priority", errors),
            AssigneeId = Id(body, "assigneeId", errors),
            Labels = LabelList(body, errors),
            DueDate = Text(body, "dueDate", errors),
            ParentId = Id(body, "parentId", errors),
        };
        return errors.Count == 0 ? patch : new ValidationError(errors);
    }

    private static Patched<string?> Text(JsonElement body, string name, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            return Patched<string?>.Absent;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return new(true, null);
            case JsonValueKind.String:
                return new(true, value.GetString());
            default:
                errors[name] = ["must be a string or null."];
                return Patched<string?>.Absent;
        }
    }

    private static Patched<Guid?> Id(JsonElement body, string name, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            return Patched<Guid?>.Absent;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return new(true, null);
        }

        if (value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id))
        {
            return new(true, id);
        }

        errors[name] = ["must be a UUID or null."];
        return Patched<Guid?>.Absent;
    }

    private static Patched<IReadOnlyList<string>?> LabelList(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("labels", out var value))
        {
            return Patched<IReadOnlyList<string>?>.Absent;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return new(true, null);
        }

        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(l => l.ValueKind == JsonValueKind.String))
        {
            return new(true, value.EnumerateArray().Select(l => l.GetString()!).ToList());
        }

        errors["labels"] = ["must be an array of strings, or null."];
        return Patched<IReadOnlyList<string>?>.Absent;
    }
}
