using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orbit.Modules.Audit.Chain;

/// <summary>Everything an audit row says, as the hash covers it (every column but <c>hash</c> itself).</summary>
internal sealed record AuditEntryContent(
    long Id,
    Guid MessageId,
    string EventType,
    int EventVersion,
    Guid? ActorId,
    Guid? ProjectId,
    string EntityType,
    Guid EntityId,
    Guid? TaskId,
    string? TaskKey,
    JsonElement? Changes,
    JsonElement Payload,
    DateTime OccurredAt,
    DateTime RecordedAt,
    string? TraceId,
    byte[] PreviousHash);

/// <summary>
/// The hash chain of <c>audit.entries</c>: each row's hash is SHA-256 over a versioned canonical text of its content,
/// which includes the previous row's hash. Recording and verifying both go through <see cref="Compute"/>, so they
/// cannot disagree about the format. See docs/adr/0006-audit-hash-chain-and-feed-cursor.md.
/// </summary>
internal static class AuditEntryHash
{
    public const int Length = 32;

    /// <summary>The first row's "previous hash".</summary>
    public static readonly byte[] Genesis = new byte[Length];

    // Changing the canonical text means a new prefix, so rows written before and after stay verifiable.
    private const string FormatPrefix = "orbit.audit.v1\n";

    public static byte[] Compute(AuditEntryContent entry) => SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText(entry)));

    /// <summary>A JSON object with its keys in ordinal order, after the format prefix.</summary>
    public static string CanonicalText(AuditEntryContent entry)
    {
        var text = new StringBuilder(FormatPrefix, 512 + entry.Payload.GetRawText().Length);
        text.Append('{');
        Field(text, "actorId", first: true).Append(Uuid(entry.ActorId));
        Field(text, "changes");
        if (entry.Changes is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } changes)
        {
            CanonicalJson.Append(text, changes);
        }
        else
        {
            text.Append("null");
        }

        Field(text, "entityId").Append(Uuid(entry.EntityId));
        Field(text, "entityType");
        CanonicalJson.AppendString(text, entry.EntityType);
        Field(text, "eventType");
        CanonicalJson.AppendString(text, entry.EventType);
        Field(text, "eventVersion").Append(entry.EventVersion.ToString(CultureInfo.InvariantCulture));
        Field(text, "id").Append(entry.Id.ToString(CultureInfo.InvariantCulture));
        Field(text, "messageId").Append(Uuid(entry.MessageId));
        Field(text, "occurredAt").Append('"').Append(Timestamp(entry.OccurredAt)).Append('"');
        Field(text, "payload");
        CanonicalJson.Append(text, entry.Payload);
        Field(text, "previousHash").Append('"').Append(Convert.ToHexStringLower(entry.PreviousHash)).Append('"');
        Field(text, "projectId").Append(Uuid(entry.ProjectId));
        Field(text, "recordedAt").Append('"').Append(Timestamp(entry.RecordedAt)).Append('"');
        Field(text, "taskId").Append(Uuid(entry.TaskId));
        Field(text, "taskKey");
        NullableString(text, entry.TaskKey);
        Field(text, "traceId");
        NullableString(text, entry.TraceId);
        text.Append('}');
        return text.ToString();
    }

    /// <summary>
    /// PostgreSQL keeps microseconds: values are cut to them before they are stored and hashed, so what is read back
    /// hashes the same.
    /// </summary>
    public static DateTime ToStoredPrecision(DateTime value)
    {
        var utc = value.Kind switch
        {
            DateTimeKind.Utc => value,
            DateTimeKind.Local => value.ToUniversalTime(),
            // What Npgsql and the relay hand over is UTC; never let the machine's zone into a hash.
            _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        };
        return new DateTime(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
    }

    private static StringBuilder Field(StringBuilder text, string name, bool first = false)
    {
        if (!first)
        {
            text.Append(',');
        }

        return text.Append('"').Append(name).Append("\":");
    }

    private static string Uuid(Guid? value) => value is { } id ? $"\"{id:D}\"" : "null";

    private static string Timestamp(DateTime value) =>
        ToStoredPrecision(value).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void NullableString(StringBuilder text, string? value)
    {
        if (value is null)
        {
            text.Append("null");
        }
        else
        {
            CanonicalJson.AppendString(text, value);
        }
    }
}
