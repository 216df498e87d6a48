using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Results;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// The expected failures of webhooks, one code each. The codes keep the <c>notifications.</c> prefix they had before
/// webhooks became a module of their own (ADR 0012): clients match on them, so renaming them would break those clients.
/// </summary>
internal static class WebhookErrors
{
    /// <summary>How many webhooks one project may have.</summary>
    public const int MaxPerProject = 20;

    // Not a member and "no such project" answer alike, so a non-member learns nothing.
    public static readonly Error ProjectNotFound = Error.NotFound("notifications.project_not_found", "There is no such project, or you cannot see it.");

    public static readonly Error WebhookNotFound = Error.NotFound("notifications.webhook_not_found", "There is no such webhook, or you cannot see it.");

    public static readonly Error ProjectArchived = Error.Conflict("notifications.project_archived", "The project is archived; its webhooks are read-only.");

    public static readonly Error TooManyWebhooks = Error.Conflict(
        "notifications.too_many_webhooks", $"A project may have at most {MaxPerProject} webhooks; delete one first.");

    public static readonly Error DeliveryNotFound = Error.NotFound("notifications.delivery_not_found", "The webhook has no such delivery.");

    public static readonly Error DeliveryStillPending = Error.Conflict(
        "notifications.delivery_pending", "The delivery is still pending: it will be attempted (again) on its own; redeliver it once it has finished.");

    public static readonly Error WebhookDisabled = Error.Conflict(
        "notifications.webhook_disabled", "The webhook is disabled (every attempt to it failed for a day, or it was paused); enable it with PATCH /webhooks/{id} {\"enabled\": true} first.");

    public static Error RoleTooLow(ProjectRole required) =>
        Error.Forbidden("notifications.role_too_low", $"This needs the {required.ToString().ToLowerInvariant()} role in the project.");
}
