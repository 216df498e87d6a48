using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Webhooks.Authorization;
using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Webhooks.Features.DeleteWebhook;

/// <summary>Deletes the webhook with its deliveries and their log; an attempt already running finishes but is not recorded.</summary>
internal sealed record DeleteWebhookCommand(Guid WebhookId) : ICommand<Result<Unit>>, IWebhookRequest
{
    public ProjectRole RequiredRole => ProjectRole.Maintainer;

    public bool Changes => true;
}

internal sealed class DeleteWebhookHandler(IDbSession session) : ICommandHandler<DeleteWebhookCommand, Result<Unit>>
{
    // Deliveries and attempts go with it (on delete cascade).
    private const string Sql = "delete from webhooks.webhooks where id = @WebhookId";

    public async ValueTask<Result<Unit>> Handle(DeleteWebhookCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(Sql, new { command.WebhookId }, cancellationToken: cancellationToken));
        return deleted == 0 ? WebhookErrors.WebhookNotFound : Unit.Value;
    }
}

internal sealed class DeleteWebhookEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapDelete("webhooks/{webhookId:guid}", async (Guid webhookId, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new DeleteWebhookCommand(webhookId), cancellationToken)).Match(_ => Results.NoContent(), ApiResults.Problem))
            .WithTags("Webhooks")
            .WithName("DeleteWebhook")
            .WithSummary("Delete a webhook and its delivery log (maintainer)")
            .RequireAuthorization()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
