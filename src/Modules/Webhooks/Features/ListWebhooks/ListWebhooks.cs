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

namespace Orbit.Modules.Webhooks.Features.ListWebhooks;

internal sealed record ListWebhooksQuery(Guid ProjectId, int Limit, string? Cursor) : IQuery<Result<Page<WebhookResponse>>>, IProjectWebhooksRequest
{
    public ProjectRole RequiredRole => ProjectRole.Maintainer;

    public bool Changes => false;
}

internal sealed class ListWebhooksValidator : AbstractValidator<ListWebhooksQuery>
{
    public ListWebhooksValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.Cursor).MustBeACursorOf<ListWebhooksQuery, Guid>();
    }
}

internal sealed class ListWebhooksHandler(IDbSession session) : IQueryHandler<ListWebhooksQuery, Result<Page<WebhookResponse>>>
{
    // Oldest first, keyset on id (UUIDv7), served by webhooks_by_project.
    private const string Sql = $"""
        select {WebhookRow.Columns}
        from webhooks.webhooks w
        where w.project_id = @ProjectId and (@After::uuid is null or w.id > @After)
        order by w.id
        limit @Take
        """;

    public async ValueTask<Result<Page<WebhookResponse>>> Handle(ListWebhooksQuery query, CancellationToken cancellationToken)
    {
        Cursor.TryDecode<Guid?>(query.Cursor, out var after);
        var connection = await session.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<WebhookRow>(new CommandDefinition(
            Sql, new { query.ProjectId, After = after, Take = query.Limit + 1 }, cancellationToken: cancellationToken))).Select(r => r.ToResponse()).ToList();
        return Cursor.ToPage(rows, query.Limit, w => w.Id);
    }
}

internal sealed class ListWebhooksEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("projects/{projectId:guid}/webhooks", async (Guid projectId, ISender sender, HttpContext context, CancellationToken cancellationToken, int? limit, string? cursor) =>
                (await sender.Send(new ListWebhooksQuery(projectId, limit ?? Cursor.DefaultLimit, cursor), cancellationToken))
                    .Match(page => ApiResults.Page(page, context), ApiResults.Problem))
            .WithTags("Webhooks")
            .WithName("ListWebhooks")
            .WithSummary("A project's webhooks, oldest first, without their secrets (maintainer)")
            .RequireAuthorization()
            .Produces<Page<WebhookResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
