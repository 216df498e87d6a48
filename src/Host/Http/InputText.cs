using System.Text.Json;
using System.Text.Unicode;

namespace Orbit.Host.Http;

/// <summary>
/// The rule for every piece of text a request carries (body strings and property names, query, route and header
/// values): no NUL character, and well-formed Unicode (no invalid UTF-8, no lone surrogate). PostgreSQL stores
/// neither, so such text would otherwise fail deep in a handler (error 22021) instead of at the edge, with a 500.
/// Checked once for all endpoints by <see cref="InputTextMiddleware"/> (JSON bodies) and <see cref="InputTextFilter"/>
/// (bound parameters); every other rule about a value stays with the feature's validator.
/// </summary>
internal static class InputText
{
    public const string NulMessage = "must not contain the NUL character (U+0000).";
    public const string MalformedMessage = "is not valid Unicode text (invalid UTF-8 or a lone surrogate).";

    /// <summary>What is wrong with the text, or null when it may pass.</summary>
    public static string? Fault(ReadOnlySpan<char> text)
    {
        if (text.Contains('\0'))
        {
            return NulMessage;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return MalformedMessage;
            }
        }

        return null;
    }

    /// <summary>
    /// Every string value and property name of a JSON document that breaks the rule, by field path
    /// (<c>title</c>, <c>labels[2]</c>, <c>errors[0].message</c>, <c>$</c> for the root). A document that is not
    /// well-formed JSON is left to the endpoint, which answers it as malformed.
    /// </summary>
    public static Dictionary<string, string[]> FaultsIn(ReadOnlySpan<byte> json)
    {
        var faults = new Dictionary<string, string[]>();
        var reader = new Utf8JsonReader(json);
        var path = new List<(bool Array, int Index, string? Name)>();
        try
        {
            while (reader.Read() && faults.Count < 20)
            {
                var token = reader.TokenType;
                if (token is not (JsonTokenType.PropertyName or JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.Comment)
                    && path.Count > 0 && path[^1].Array)
                {
                    path[^1] = path[^1] with { Index = path[^1].Index + 1 };
                }

                switch (token)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        path.Add((token == JsonTokenType.StartArray, -1, null));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var (name, nameFault) = Read(ref reader);
                        path[^1] = path[^1] with { Name = name ?? "?" };
                        if (nameFault is not null)
                        {
                            faults.TryAdd(PathOf(path[..^1]), ["has a property name that " + nameFault]);
                        }

                        break;
                    case JsonTokenType.String:
                        if (Read(ref reader).Fault is { } fault)
                        {
                            faults.TryAdd(PathOf(path), [fault]);
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the endpoint's own reading answers it (request.malformed_json).
        }

        return faults;
    }

    private static (string? Text, string? Fault) Read(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            // Unescaped, a NUL cannot occur (the reader refuses raw control characters); only the bytes can be wrong.
            // The reader runs over one span, so a value is never split across segments.
            return Utf8.IsValid(reader.ValueSpan) ? (reader.GetString(), null) : (null, MalformedMessage);
        }

        try
        {
            var text = reader.GetString()!;
            return (text, Fault(text));
        }
        catch (InvalidOperationException)
        {
            // The reader cannot turn a lone surrogate escape or invalid UTF-8 into a .NET string.
            return (null, MalformedMessage);
        }
    }

    private static string PathOf(IReadOnlyList<(bool Array, int Index, string? Name)> path)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (array, index, name) in path)
        {
            if (array)
            {
                text.Append('[').Append(index).Append(']');
            }
            else if (name is not null)
            {
                text.Append(text.Length == 0 ? "" : ".").Append(name);
            }
        }

        return text.Length == 0 ? "$" : text.ToString();
    }
}
