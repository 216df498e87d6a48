using Orbit.Shared.Validation;
using FluentValidation;

namespace Orbit.Modules.Webhooks;

/// <summary>The field rules of a webhook registration; the table's check constraints repeat the limits.</summary>
internal static class WebhookRules
{
    public const int UrlMaxLength = 2000;
    public const int MaxEvents = 50;

    /// <summary>
    /// Said when a URL points at an internal address (<see cref="WebhookDestinationGuard"/>); it does not say which
    /// address a name resolved to.
    /// </summary>
    public const string InternalUrl =
        "url points to an address webhooks may not reach (loopback, private, link-local or another internal network); use a public address.";

    /// <summary>
    /// An absolute http or https URL without credentials. Where it points is checked by the handler, after
    /// authorization (an outsider must not be able to probe DNS through this endpoint), and again at send time.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> ValidWebhookUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("url is required.")
            .MaximumLength(UrlMaxLength).WithMessage($"url must be at most {UrlMaxLength} characters.")
            .HasFormat("uri", url => string.IsNullOrWhiteSpace(url) || url.Length > UrlMaxLength || IsHttpUrl(url))
            .WithMessage("url must be an absolute http or https URL, such as https://example.com/hooks/orbit.")
            .Must(url => url is null || !IsHttpUrl(url) || new Uri(url).UserInfo.Length == 0)
            .WithMessage("url must not contain a user name or password; receivers authenticate Orbit by the webhook-signature header.");

    /// <summary>At least one event type from the known list, or "*" for all of them.</summary>
    public static IRuleBuilderOptions<T, IReadOnlyList<string>?> ValidWebhookEvents<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule) =>
        rule.NotEmpty().WithMessage($"events is required: a list of event types, or [\"{WebhookEventTypes.All}\"] for all.")
            .ItemCount(0, MaxEvents).WithMessage($"events may list at most {MaxEvents} event types.")
            .EachOneOf(WebhookEventTypes.Filters)
            .WithMessage((_, events) =>
                $"events has unknown event types ({string.Join(", ", events!.Where(e => e != WebhookEventTypes.All && (e is null || !WebhookEventTypes.IsKnown(e))).Select(e => e ?? "null"))}); " +
                $"use \"{WebhookEventTypes.All}\" or any of: {string.Join(", ", WebhookEventTypes.Names)}.");

    /// <summary>Duplicates removed in order; "*" stands alone since it covers the rest.</summary>
    public static string[] NormalizeEvents(IReadOnlyList<string> events) =>
        events.Contains(WebhookEventTypes.All) ? [WebhookEventTypes.All] : [.. events.Distinct(StringComparer.Ordinal)];

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;
}
