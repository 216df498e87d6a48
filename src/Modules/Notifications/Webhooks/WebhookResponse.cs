namespace Orbit.Modules.Notifications.Webhooks;

/// <summary>A webhook as the API shows it after registration: never with its secret.</summary>
/// <param name="DisabledAt">Set when every attempt failed for a day; a disabled webhook gets no deliveries.</param>
/// <param name="FailingSince">The first failed attempt since the last success, if any.</param>
internal sealed record WebhookResponse(
    Guid Id,
    Guid ProjectId,
    string Url,
    string[] Events,
    Guid CreatedBy,
    DateTime CreatedAt,
    DateTime? DisabledAt,
    DateTime? FailingSince)
{
    /// <summary>The columns of <see cref="WebhookResponse"/> in constructor order, from <c>notifications.webhooks</c> aliased <c>w</c>.</summary>
    public const string Columns = """
        w.id as Id, w.project_id as ProjectId, w.url as Url, w.events as Events, w.created_by as CreatedBy, w.created_at as CreatedAt,
        w.disabled_at as DisabledAt, w.failing_since as FailingSince
        """;

    public static string LocationOf(Guid webhookId) => $"/api/v1/webhooks/{webhookId}";
}
