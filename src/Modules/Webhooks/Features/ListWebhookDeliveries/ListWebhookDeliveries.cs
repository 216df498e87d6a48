using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Webhooks.Authorization;
using Orbit.Modules.Webhooks;
using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Modules.Webhooks.Features.ListWebhookDeliveries;

internal sealed record ListWebhookDeliveriesQuery(Guid WebhookId, int Limit, string? Cursor) : IQuery<Result<Page<DeliveryResponse>>>, IWebhookRequest
{
    public ProjectRole RequiredRole => ProjectRole.Maintainer;

    public bool Changes => false;
}

internal sealed class ListWebhookDeliveriesValidator : AbstractValidator<ListWebhookDeliveriesQuery>
{
    public ListWebhookDeliveriesValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.Cursor).MustBeACursorOf<ListWebhookDeliveriesQuery, Guid>();
    }
}

internal sealed class ListWebhookDeliveriesHandler(IDbSession session) : IQueryHandler<ListWebhookDeliveriesQuery, Result<Page<DeliveryResponse>>>
{
    // Newest first, keyset on id (UUIDv7) descending, served by webhook_deliveries_by_webhook.
    private const string Sql = $"""
        select {DeliveryReader.Columns}
        from webhooks.webhook_deliveries d
        where d.webhook_id = @WebhookId and (@Before::uuid is null or d.id < @Before)
        order by d.id desc
        limit @Take
        """;

    public async ValueTask<Result<Page<DeliveryResponse>>> Handle(ListWebhookDeliveriesQuery query, CancellationToken cancellationToken)
    {
        Cursor.TryDecode<Guid?>(query.Cursor, out var before);
        var connection = await session.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<DeliveryReader.DeliveryRow>(new CommandDefinition(
            Sql, new { query.WebhookId, Before = before, Take = query.Limit + 1 }, cancellationToken: cancellationToken))).AsList();
        var page = Cursor.ToPage(rows, query.Limit, d => d.Id);
        return new Page<DeliveryResponse>(await DeliveryReader.WithAttemptsAsync(connection, page.Items, cancellationToken), page.NextCursor);
    }
}

internal sealed class ListWebhookDeliveriesEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("webhooks/{webhookId:guid}/deliveries", async (Guid webhookId, ISender sender, HttpContext context, CancellationToken cancellationToken, int? limit, string? cursor) =>
                (await sender.Send(new ListWebhookDeliveriesQuery(webhookId, limit ?? Cursor.DefaultLimit, cursor), cancellationToken))
                    .Match(page => ApiResults.Page(page, context), ApiResults.Problem))
            .WithTags("Webhooks")
            .WithName("ListWebhookDeliveries")
            .WithSummary("A webhook's deliveries, newest first, each with its attempts: status code, duration, error, and the next retry (maintainer)")
            .RequireAuthorization()
            .Produces<Page<DeliveryResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
