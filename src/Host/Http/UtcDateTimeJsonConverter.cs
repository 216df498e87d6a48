using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orbit.Host.Http;

/// <summary>
/// Timestamps leave as UTC ISO-8601 with milliseconds (<c>2026-11-26T10:04:44.123Z</c>), the API's one format,
/// whatever precision PostgreSQL kept. Incoming values may carry any offset and are converted to UTC.
/// </summary>
internal sealed class UtcDateTimeJsonConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetDateTimeOffset();
        return value.UtcDateTime;
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
