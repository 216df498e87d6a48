using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Webhooks.Authorization;
using Orbit.Modules.Webhooks;
using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Webhooks.Features.GetWebhook;

internal sealed record GetWebhookQuery(Guid WebhookId) : IQuery<Result<WebhookResponse>>, IWebhookRequest
{
    public ProjectRole RequiredRole => ProjectRole.Maintainer;

    public bool Changes => false;
}

internal sealed class GetWebhookHandler(IDbSession session) : IQueryHandler<GetWebhookQuery, Result<WebhookResponse>>
{
    private const string Sql = $"select {WebhookRow.Columns} from webhooks.webhooks w where w.id = @WebhookId";

    public async ValueTask<Result<WebhookResponse>> Handle(GetWebhookQuery query, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var webhook = await connection.QuerySingleOrDefaultAsync<WebhookRow>(new CommandDefinition(Sql, new { query.WebhookId }, cancellationToken: cancellationToken));
        return webhook is null ? WebhookErrors.WebhookNotFound : webhook.ToResponse();
    }
}

internal sealed class GetWebhookEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("webhooks/{webhookId:guid}", async (Guid webhookId, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new GetWebhookQuery(webhookId), cancellationToken)).Match(webhook => Results.Ok(webhook), ApiResults.Problem))
            .WithTags("Webhooks")
            .WithName("GetWebhook")
            .WithSummary("A webhook, without its secret, and whether it is failing or disabled (maintainer)")
            .RequireAuthorization()
            .Produces<WebhookResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
