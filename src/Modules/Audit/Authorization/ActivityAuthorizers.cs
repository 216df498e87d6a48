using Orbit.Modules.Audit.Entries;
using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Authorization;
using Orbit.Shared.Data;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Audit.Authorization;

/// <summary>A read of one project's audited history (activity, change feed): any member of the project may.</summary>
internal interface IProjectActivityRequest
{
    Guid ProjectId { get; }
}

/// <summary>
/// A read of one task's audited history, the task named by id or key: any member of its project may, while the task is
/// not in the trash; a task in the trash only maintainers and owners, who may read the trash (anyone else gets 404, as
/// from <c>GET /tasks/{idOrKey}</c>).
/// </summary>
internal interface ITaskActivityRequest
{
    string TaskRef { get; }
}

internal static class ActivityAccess
{
    /// <summary>
    /// Whether the project-access rule (<see cref="IProjectAccess"/>) lets the reader read with this role. Reads only, so
    /// archived projects stay readable. Anyone refused gets 404, whether not a member or a member whose role is too low,
    /// admins included (docs/adr/0005: admins read everything through the admin audit instead).
    /// </summary>
    public static async ValueTask<bool> MayReadAsync(IProjectAccess access, Guid projectId, Guid userId, ProjectRole required, CancellationToken cancellationToken) =>
        (await access.DecideAsync(projectId, userId, required, changes: false, cancellationToken)).IsAllowed;

    /// <summary>
    /// Whether the reader may read the project's trash, and so the history of its tasks in the trash
    /// (<see cref="Visibility.AuditVisibility"/>). Asked by the handlers after authorization, of the same (cached) answer.
    /// </summary>
    public static async ValueTask<bool> SeesTrashAsync(IProjectAccess access, Guid projectId, Guid userId, CancellationToken cancellationToken) =>
        Visibility.AuditVisibility.SeesTrash(await access.DecideAsync(projectId, userId, ProjectRole.Viewer, changes: false, cancellationToken));
}

internal sealed class ProjectActivityAuthorizer<TMessage>(IProjectAccess access, ICurrentUser user) : IRequestAuthorizer<TMessage>
    where TMessage : IProjectActivityRequest
{
    // Viewer is the least role, so being a member is enough.
    public async ValueTask<Error?> AuthorizeAsync(TMessage message, CancellationToken cancellationToken) =>
        await ActivityAccess.MayReadAsync(access, message.ProjectId, user.Id, ProjectRole.Viewer, cancellationToken) ? null : AuditErrors.ProjectNotFound;
}

internal sealed class TaskActivityAuthorizer<TMessage>(IProjectAccess access, ICurrentUser user, IDbSession session) : IRequestAuthorizer<TMessage>
    where TMessage : ITaskActivityRequest
{
    public async ValueTask<Error?> AuthorizeAsync(TMessage message, CancellationToken cancellationToken)
    {
        var task = await AuditedTask.ResolveAsync(session, message.TaskRef, cancellationToken);
        if (task is null)
        {
            return AuditErrors.TaskNotFound;
        }

        var required = task.Trashed ? ProjectRole.Maintainer : ProjectRole.Viewer;
        return await ActivityAccess.MayReadAsync(access, task.ProjectId, user.Id, required, cancellationToken) ? null : AuditErrors.TaskNotFound;
    }
}
