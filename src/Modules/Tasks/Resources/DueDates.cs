using System.Globalization;

namespace Orbit.Modules.Tasks.Resources;

/// <summary>Due dates are calendar dates, written <c>YYYY-MM-DD</c>.</summary>
internal static class DueDates
{
    /// <summary>For values a validator has already accepted.</summary>
    public static DateOnly? Parse(string? text) =>
        TryParse(text, out var date) ? date : throw new FormatException($"'{text}' is not a YYYY-MM-DD date.");

    public static bool TryParse(string? text, out DateOnly? date)
    {
        date = null;
        if (text is null)
        {
            return true;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            date = parsed;
            return true;
        }

        return false;
    }
}
