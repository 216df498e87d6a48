using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orbit.Shared.Events;

/// <summary>
/// The one way Orbit writes a point in time on the wire: UTC, ISO 8601, milliseconds, <c>Z</c>
/// (<c>2026-11-26T10:04:44.123Z</c>). The HTTP API writes its <c>DateTime</c>s so (the host's JSON options), and event
/// payloads, the change feed and webhooks use the same rule through <see cref="IntegrationEventJson"/>.
/// </summary>
public static class UtcTimestamp
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string Write(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>A <see cref="DateTime"/> of unspecified kind is taken as UTC (what Npgsql and the relay hand over).</summary>
    public static string Write(DateTime value) =>
        (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value).ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Writes <see cref="Format"/>; reads any ISO 8601 offset (older payloads carry <c>+00:00</c> and 7 digits).</summary>
    public sealed class DateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset().ToUniversalTime();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(UtcTimestamp.Write(value));
    }

    /// <summary>The <see cref="DateTime"/> counterpart of <see cref="DateTimeOffsetConverter"/>.</summary>
    public sealed class DateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset().UtcDateTime;

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(UtcTimestamp.Write(value));
    }
}
