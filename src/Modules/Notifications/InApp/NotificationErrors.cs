using Orbit.Shared.Results;

namespace Orbit.Modules.Notifications.InApp;

/// <summary>The expected failures of in-app notifications, one code each.</summary>
internal static class NotificationErrors
{
    // Someone else's notification answers exactly like one that does not exist.
    public static readonly Error NotificationNotFound = Error.NotFound("notifications.notification_not_found", "There is no such notification of yours.");
}
