using Orbit.Shared.Results;

namespace Orbit.Modules.Audit.Entries;

/// <summary>The expected failures of the Audit module, one code each.</summary>
internal static class AuditErrors
{
    // Anyone who may not read it gets the same answer as for something that does not exist.
    public static readonly Error ProjectNotFound = Error.NotFound("audit.project_not_found", "There is no such project, or you cannot see it.");

    public static readonly Error TaskNotFound = Error.NotFound("audit.task_not_found", "There is no such task, or you cannot see it.");
}
