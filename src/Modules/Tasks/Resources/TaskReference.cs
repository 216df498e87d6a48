using System.Text.RegularExpressions;

namespace Orbit.Modules.Tasks.Resources;

/// <summary>
/// A task named in a URL: its UUID or its key (<c>ABC-42</c>, any case). <see cref="Where"/> is the matching SQL
/// predicate over alias <c>t</c>, served by the primary key or the unique index on key.
/// </summary>
internal sealed partial record TaskReference(Guid? Id, string? Key)
{
    public const string Where = "(t.id = @TaskId or t.key = @TaskKey)";

    public static bool TryParse(string? value, out TaskReference reference)
    {
        reference = new TaskReference(null, null);
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        if (Guid.TryParse(value, out var id))
        {
            reference = new TaskReference(id, null);
            return true;
        }

        var key = value.Trim().ToUpperInvariant();
        if (!KeyPattern().IsMatch(key))
        {
            return false;
        }

        reference = new TaskReference(null, key);
        return true;
    }

    public static TaskReference Parse(string value) =>
        TryParse(value, out var reference) ? reference : throw new FormatException($"'{value}' is neither a task id nor a task key.");

    /// <summary>Parameters for <see cref="Where"/>.</summary>
    public object Parameters => new { TaskId = Id, TaskKey = Key };

    [GeneratedRegex("^[A-Z][A-Z0-9]{1,9}-[1-9][0-9]{0,9}$")]
    private static partial Regex KeyPattern();
}
