using System.Buffers.Text;
using System.Text.Json;

namespace Orbit.Shared.Paging;

/// <summary>One page of a keyset-paginated list, as every list endpoint returns it.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Opaque keyset cursors: the sort key of the last row served, as base64url JSON. Clients must not build them, and
/// a cursor that does not decode is a validation error, not a 500.
/// </summary>
public static class Cursor
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 100;

    public static string Encode<TKey>(TKey key) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(key));

    public static bool TryDecode<TKey>(string? cursor, out TKey? key)
    {
        key = default;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        try
        {
            key = JsonSerializer.Deserialize<TKey>(Base64Url.DecodeFromChars(cursor));
            return key is not null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// Queries fetch <c>limit + 1</c> rows: the extra row proves there is a next page without a count query.
    /// </summary>
    public static Page<T> ToPage<T, TKey>(IReadOnlyList<T> rows, int limit, Func<T, TKey> keyOf)
    {
        if (rows.Count <= limit)
        {
            return new Page<T>(rows, null);
        }

        var items = rows.Take(limit).ToList();
        return new Page<T>(items, Encode(keyOf(items[^1])));
    }
}
