using Dapper;
using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Authorization;
using Orbit.Shared.Data;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Webhooks.Authorization;

/// <summary>
/// Webhooks' answers to the project-access rule (<see cref="IProjectAccess"/>, owned by Projects) for webhooks:
/// a non-member gets 404 as if nothing were there, a member whose role is too low 403, and a change inside an archived
/// project 409, with the codes in <see cref="WebhookErrors"/>.
/// </summary>
internal static class WebhookAccess
{
    public static async ValueTask<Error?> CheckAsync(
        IProjectAccess access, Guid projectId, Guid userId, IWebhookAccessRequirement requirement, Error notFound, CancellationToken cancellationToken)
    {
        var decision = await access.DecideAsync(projectId, userId, requirement.RequiredRole, requirement.Changes, cancellationToken);
        return decision.Outcome switch
        {
            ProjectAccessOutcome.Allowed => null,
            ProjectAccessOutcome.RoleTooLow => WebhookErrors.RoleTooLow(decision.Required),
            ProjectAccessOutcome.Archived => WebhookErrors.ProjectArchived,
            _ => notFound,
        };
    }
}

internal sealed class ProjectWebhooksAuthorizer<TMessage>(IProjectAccess access, ICurrentUser user) : IRequestAuthorizer<TMessage>
    where TMessage : IProjectWebhooksRequest
{
    public ValueTask<Error?> AuthorizeAsync(TMessage message, CancellationToken cancellationToken) =>
        WebhookAccess.CheckAsync(access, message.ProjectId, user.Id, message, WebhookErrors.ProjectNotFound, cancellationToken);
}

internal sealed class WebhookAuthorizer<TMessage>(IProjectAccess access, ICurrentUser user, IDbSession session) : IRequestAuthorizer<TMessage>
    where TMessage : IWebhookRequest
{
    private const string Sql = "select project_id from webhooks.webhooks where id = @WebhookId";

    public async ValueTask<Error?> AuthorizeAsync(TMessage message, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var projectId = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(Sql, new { message.WebhookId }, cancellationToken: cancellationToken));
        return projectId is null
            ? WebhookErrors.WebhookNotFound
            : await WebhookAccess.CheckAsync(access, projectId.Value, user.Id, message, WebhookErrors.WebhookNotFound, cancellationToken);
    }
}
