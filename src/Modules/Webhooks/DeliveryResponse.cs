using Orbit.Shared.Http;
using System.Text.Json;
using Dapper;
using Npgsql;
using Orbit.Shared.Events;

namespace Orbit.Modules.Webhooks;

/// <summary>One event's delivery to one webhook, with every attempt so far.</summary>
/// <param name="Status"><c>pending</c> (waiting for an attempt or in one), <c>succeeded</c> or <c>failed</c> (no more retries).</param>
/// <param name="NextAttemptAt">While pending: when the next attempt is due (during an attempt, when it is given up as lost).</param>
/// <param name="Data">The event payload, sent as <c>data</c>.</param>
[ProjectEventEnvelope("eventType", "data")]
internal sealed record DeliveryResponse(
    Guid Id,
    Guid WebhookId,
    Guid EventId,
    string EventType,
    [property: AllowedValuesFrom(typeof(DeliveryStatuses), nameof(DeliveryStatuses.All))] string Status,
    DateTime? NextAttemptAt,
    int? LastStatusCode,
    int? LastDurationMs,
    string? LastError,
    DateTime CreatedAt,
    DateTime? DeliveredAt,
    JsonElement Data,
    IReadOnlyList<AttemptResponse> Attempts);

/// <summary>What <c>webhooks.webhook_deliveries.status</c> holds and the API shows.</summary>
internal static class DeliveryStatuses
{
    public static readonly IReadOnlyList<string> All = ["pending", "succeeded", "failed"];
}

/// <param name="StatusCode">The receiver's HTTP status; <c>null</c> when there was no answer (refused target, timeout, network error).</param>
internal sealed record AttemptResponse(int Attempt, DateTime At, int? StatusCode, int DurationMs, string? Error);

/// <summary>Reads deliveries with their attempts: one query for the deliveries, one for all their attempts.</summary>
internal static class DeliveryReader
{
    /// <summary>The columns of <see cref="DeliveryRow"/>, from <c>webhooks.webhook_deliveries</c> aliased <c>d</c>.</summary>
    public const string Columns = """
        d.id as Id, d.webhook_id as WebhookId, d.event_id as EventId, d.event_type as EventType, d.status as Status,
        d.next_attempt_at as NextAttemptAt, d.last_status_code as LastStatusCode, d.last_duration_ms as LastDurationMs,
        d.last_error as LastError, d.created_at as CreatedAt, d.delivered_at as DeliveredAt, d.payload::text as Data
        """;

    // Served by the primary key (delivery_id, attempt).
    private const string AttemptsSql = """
        select delivery_id as DeliveryId, attempt as Attempt, at as At, status_code as StatusCode, duration_ms as DurationMs, error as Error
        from webhooks.webhook_attempts
        where delivery_id = any(@Ids)
        order by delivery_id, attempt
        """;

    public static async Task<List<DeliveryResponse>> WithAttemptsAsync(NpgsqlConnection connection, IReadOnlyList<DeliveryRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var attempts = (await connection.QueryAsync<AttemptRow>(new CommandDefinition(
                AttemptsSql, new { Ids = rows.Select(r => r.Id).ToArray() }, cancellationToken: cancellationToken)))
            .ToLookup(a => a.DeliveryId, a => new AttemptResponse(a.Attempt, a.At, a.StatusCode, a.DurationMs, a.Error));
        return rows.Select(r => new DeliveryResponse(
            r.Id, r.WebhookId, r.EventId, r.EventType, r.Status, r.NextAttemptAt, r.LastStatusCode, r.LastDurationMs, r.LastError, r.CreatedAt,
            r.DeliveredAt, JsonSerializer.Deserialize<JsonElement>(IntegrationEventJson.Normalize(r.Data)), attempts[r.Id].ToList())).ToList();
    }

    internal sealed record DeliveryRow(
        Guid Id, Guid WebhookId, Guid EventId, string EventType, string Status, DateTime? NextAttemptAt, int? LastStatusCode, int? LastDurationMs,
        string? LastError, DateTime CreatedAt, DateTime? DeliveredAt, string Data);

    private sealed record AttemptRow(Guid DeliveryId, int Attempt, DateTime At, int? StatusCode, int DurationMs, string? Error);
}
