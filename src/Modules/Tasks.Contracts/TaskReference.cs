using System.Text.RegularExpressions;

namespace Orbit.Modules.Tasks.Contracts;

/// <summary>
/// A task as a URL names it: its UUID or its key (<c>ABC-42</c>, any case, kept upper-case here). The one parser of
/// that name, for Tasks and for modules that serve URLs about tasks (Audit's task activity).
/// </summary>
public sealed partial record TaskReference(Guid? Id, string? Key)
{
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

    [GeneratedRegex("^[A-Z][A-Z0-9]{1,9}-[1-9][0-9]{0,9}$")]
    private static partial Regex KeyPattern();
}
