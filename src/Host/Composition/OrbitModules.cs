using Orbit.Modules.Audit;
using Orbit.Modules.Identity;
using Orbit.Modules.Notifications;
using Orbit.Modules.Projects;
using Orbit.Modules.Tasks;
using Orbit.Shared.Modules;

namespace Orbit.Host.Composition;

/// <summary>Every module the host runs. Adding a module is adding its project reference and one line here.</summary>
internal static class OrbitModules
{
    public static readonly IReadOnlyList<IModule> All =
    [
        new IdentityModule(),
        new ProjectsModule(),
        new TasksModule(),
        new AuditModule(),
        new NotificationsModule(),
    ];
}
