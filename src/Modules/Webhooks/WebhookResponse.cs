using Orbit.Shared.Http;
namespace Orbit.Modules.Webhooks;

/// <summary>A webhook as the API shows it after registration: never with its secret.</summary>
/// <param name="DisabledAt">Set when every attempt failed for a day; a disabled webhook gets no deliveries.</param>
/// <param name="FailingSince">The first failed attempt since the last success, if any.</param>
internal sealed record WebhookResponse(
    Guid Id,
    Guid ProjectId,
    string Url,
    [property: AllowedValuesFrom(typeof(WebhookEventTypes), nameof(WebhookEventTypes.Filters))] string[] Events,
    Guid CreatedBy,
    DateTime CreatedAt,
    DateTime? DisabledAt,
    DateTime? FailingSince)
{
    public static string LocationOf(Guid webhookId) => $"/api/v1/webhooks/{webhookId}";
}

/// <summary>
/// A <c>webhooks.webhooks</c> row as read for the API. A class with setters rather than a record: Dapper reports
/// <c>text[]</c> as <see cref="Array"/> and so finds no constructor taking <c>string[]</c>.
/// </summary>
internal sealed class WebhookRow
{
    /// <summary>The columns of <see cref="WebhookRow"/>, from <c>webhooks.webhooks</c> aliased <c>w</c>.</summary>
    public const string Columns = """
        w.id as Id, w.project_id as ProjectId, w.url as Url, w.events as Events, w.created_by as CreatedBy, w.created_at as CreatedAt,
        w.disabled_at as DisabledAt, w.failing_since as FailingSince
        """;

    public Guid Id { get; init; }

    public Guid ProjectId { get; init; }

    public string Url { get; init; } = "";

    public string[] Events { get; init; } = [];

    public Guid CreatedBy { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime? DisabledAt { get; init; }

    public DateTime? FailingSince { get; init; }

    public WebhookResponse ToResponse() => new(Id, ProjectId, Url, Events, CreatedBy, CreatedAt, DisabledAt, FailingSince);
}
