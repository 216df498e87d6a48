using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orbit.Modules.Audit.Chain;

/// <summary>
/// One text per JSON value, whatever whitespace, key order or escaping the value arrived with, so that a hash taken
/// over the event as delivered still matches after PostgreSQL's <c>jsonb</c> has normalised it. In the manner of
/// RFC 8785: no whitespace, object keys sorted by UTF-16 code units (the last of duplicate keys wins, as in jsonb),
/// strings escaped only where JSON requires it. Numbers are written as normalised decimals (<c>1.50</c> and
/// <c>1.5e0</c> are both <c>1.5</c>) rather than as RFC 8785's doubles, so large integers keep every digit.
/// Written by hand rather than with <c>Utf8JsonWriter</c>: the encoder's escaping choices may change between .NET
/// versions, and a hash must not.
/// </summary>
internal static class CanonicalJson
{
    public static void Append(StringBuilder text, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = value.EnumerateObject()
                    .GroupBy(p => p.Name, StringComparer.Ordinal)
                    .Select(g => g.Last())
                    .OrderBy(p => p.Name, StringComparer.Ordinal);
                text.Append('{');
                var first = true;
                foreach (var property in properties)
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    AppendString(text, property.Name);
                    text.Append(':');
                    Append(text, property.Value);
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        text.Append(',');
                    }

                    Append(text, item);
                }

                text.Append(']');
                break;
            case JsonValueKind.String:
                AppendString(text, value.GetString()!);
                break;
            case JsonValueKind.Number:
                text.Append(NormalizedNumber(value.GetRawText()));
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            default:
                text.Append("null");
                break;
        }
    }

    public static void AppendString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\b':
                    text.Append("\\b");
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        text.Append('"');
    }

    private static string NormalizedNumber(string raw)
    {
        if (!decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            // Beyond decimal's range: jsonb keeps such numbers digit for digit, and so does the hash.
            return raw;
        }

        // Dividing by 1.000...0 drops trailing zeros of the scale (1.50 -> 1.5); 0 and -0 are both "0".
        var normalized = number / 1.0000000000000000000000000000m;
        return normalized == 0 ? "0" : normalized.ToString(CultureInfo.InvariantCulture);
    }
}
