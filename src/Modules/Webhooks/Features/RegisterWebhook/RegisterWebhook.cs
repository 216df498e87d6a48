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
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Webhooks.Features.RegisterWebhook;

internal sealed record RegisterWebhookRequest(string? Url, IReadOnlyList<string>? Events);

internal sealed record RegisterWebhookCommand(Guid ProjectId, Guid ActorId, string? Url, IReadOnlyList<string>? Events)
    : ICommand<Result<RegisteredWebhookResponse>>, IProjectWebhooksRequest
{
    public ProjectRole RequiredRole => ProjectRole.Maintainer;

    public bool Changes => true;
}

/// <summary>The registered webhook with its signing secret: the only response that ever shows the secret.</summary>
internal sealed record RegisteredWebhookResponse(
    Guid Id,
    Guid ProjectId,
    string Url,
    [property: AllowedValuesFrom(typeof(WebhookEventTypes), nameof(WebhookEventTypes.Filters))] string[] Events, string Secret, Guid CreatedBy, DateTime CreatedAt);

internal sealed class RegisterWebhookValidator : AbstractValidator<RegisterWebhookCommand>
{
    public RegisterWebhookValidator()
    {
        RuleFor(c => c.Url).ValidWebhookUrl();
        RuleFor(c => c.Events).ValidWebhookEvents();
    }
}

internal sealed class RegisterWebhookHandler(IDbSession session, WebhookSecrets secrets, WebhookDestinationGuard destinations, TimeProvider clock)
    : ICommandHandler<RegisterWebhookCommand, Result<RegisteredWebhookResponse>>
{
    // Served by webhooks_by_project.
    private const string CountSql = "select count(*) from webhooks.webhooks where project_id = @ProjectId";

    private const string InsertSql = """
        insert into webhooks.webhooks (id, project_id, url, events, secret, created_by, created_at)
        values (@Id, @ProjectId, @Url, @Events, @Secret, @CreatedBy, @CreatedAt)
        """;

    public async ValueTask<Result<RegisteredWebhookResponse>> Handle(RegisterWebhookCommand command, CancellationToken cancellationToken)
    {
        if (await destinations.RefusesAtRegistrationAsync(command.Url!, cancellationToken))
        {
            return Error.Validation("url", WebhookRules.InternalUrl);
        }

        var connection = await session.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, new { command.ProjectId }, cancellationToken: cancellationToken)) >= WebhookErrors.MaxPerProject)
        {
            return WebhookErrors.TooManyWebhooks;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var id = Guid.CreateVersion7(now);
        var secret = WebhookSecrets.Generate();
        var webhook = new RegisteredWebhookResponse(
            id, command.ProjectId, new Uri(command.Url!.Trim()).AbsoluteUri, WebhookRules.NormalizeEvents(command.Events!), secret, command.ActorId, now);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            webhook.Id,
            webhook.ProjectId,
            webhook.Url,
            webhook.Events,
            Secret = secrets.Protect(secret, id),
            webhook.CreatedBy,
            webhook.CreatedAt,
        }, cancellationToken: cancellationToken));
        return webhook;
    }
}

internal sealed class RegisterWebhookEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("projects/{projectId:guid}/webhooks", async (Guid projectId, RegisterWebhookRequest request, ICurrentUser user, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new RegisterWebhookCommand(projectId, user.Id, request.Url, request.Events), cancellationToken)).Match(
                    webhook => Results.Created(WebhookResponse.LocationOf(webhook.Id), webhook),
                    ApiResults.Problem))
            .WithTags("Webhooks")
            .WithName("RegisterWebhook")
            .WithSummary("Register a webhook for a project's events (maintainer); the response shows its secret, this once")
            .WithDescription(
                "`events` lists event types (" + string.Join(", ", WebhookEventTypes.Names) + ") or is [\"*\"] for all. Each event is POSTed as " +
                "`{id, type, timestamp, data}` with Standard Webhooks headers: `webhook-id` (the event id, the same on every retry), " +
                "`webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the " +
                "base64-decoded part of the secret after `whsec_`), plus `X-Orbit-Event`. Failed deliveries are retried with exponential backoff " +
                "for about a day. A url on a loopback, private, link-local or other internal address (a name resolving to one, or an IPv6 address embedding one) " +
                "is refused with 400 unless the operator allows internal networks, and checked again before every attempt. " +
                "Idempotency-Key is not honoured here: its stored response would keep the secret in the clear.")
            .RequireAuthorization()
            .Produces<RegisteredWebhookResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
