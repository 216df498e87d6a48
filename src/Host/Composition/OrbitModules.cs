using Orbit.Shared.Modules;

namespace Orbit.Host.Composition;

/// <summary>
/// Every module the host runs. Adding a module is adding its project under <c>src/Modules</c> (Host.csproj references
/// every project there) and one line here, its type written out in full so that no using line is needed.
/// </summary>
/// <remarks>
/// The order is the order of migrations: each module's scripts run after those of the modules above it. Webhooks follows
/// Notifications because its first script moves the webhooks Notifications held (ADR 0012); MigrationTests checks it.
/// </remarks>
internal static class OrbitModules
{
    public static readonly IReadOnlyList<IModule> All =
    [
        new Orbit.Modules.Identity.IdentityModule(),
        new Orbit.Modules.Projects.ProjectsModule(),
        new Orbit.Modules.Tasks.TasksModule(),
        new Orbit.Modules.Audit.AuditModule(),
        new Orbit.Modules.Notifications.NotificationsModule(),
        new Orbit.Modules.Webhooks.WebhooksModule(),
    ];
}
