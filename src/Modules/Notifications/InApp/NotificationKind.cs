namespace Orbit.Modules.Notifications.InApp;

/// <summary>Why someone was notified; the text values are what <c>notifications.notifications.kind</c> stores and the API shows.</summary>
internal static class NotificationKind
{
    public const string Assigned = "assigned";
    public const string Commented = "commented";
    public const string Mentioned = "mentioned";

    public static readonly IReadOnlyList<string> All = [Assigned, Commented, Mentioned];
}
