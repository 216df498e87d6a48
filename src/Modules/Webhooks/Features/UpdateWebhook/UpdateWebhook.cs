using System.Text.Json.Serialization;
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
using Orbit.Shared.Results;

namespace Orbit.Modules.Webhooks.Features.UpdateWebhook;

/// <summary>
/// A JSON merge patch (RFC 7396): a present property changes, an absent one stays. None of the three can be cleared,
/// so a present <c>null</c> is a validation error; the setters record presence, as in UpdateProject.
/// </summary>
internal sealed class UpdateWebhookRequest
{
    private string? _url;
    private IReadOnlyList<string>? _events;
    private bool? _enabled;

    public string? Url
    {
        get => _url;
        set
        {
            _url = value;
            HasUrl = true;
        }
    }

    public IReadOnlyList<string>? Events
    {
        get => _events;
        set
        {
            _events = value;
            HasEvents = true;
        }
    }

    /// <summary><c>true</c> re-enables a disabled webhook (auto-disabled after a day of failures, or paused); <c>false</c> pauses it.</summary>
    public bool? Enabled
    {
        get => _enabled;
        set
        {
            _enabled = value;
            HasEnabled = true;
        }
    }

    [JsonIgnore]
    public bool HasUrl { get; private set; }

    [JsonIgnore]
    public bool HasEvents { get; private set; }

    [JsonIgnore]
    public bool HasEnabled { get; private set; }
}

internal sealed record UpdateWebhookCommand(
    Guid WebhookId, bool HasUrl, string? Url, bool HasEvents, IReadOnlyList<string>? Events, bool HasEnabled, bool? Enabled)
    : ICommand<Result<WebhookResponse>>, IWebhookRequest
{
    public ProjectRole RequiredRole => ProjectRole.Maintainer;

    public bool Changes => true;
}

internal sealed class UpdateWebhookValidator : AbstractValidator<UpdateWebhookCommand>
{
    public UpdateWebhookValidator()
    {
        When(c => c.HasUrl, () => RuleFor(c => c.Url).ValidWebhookUrl());
        When(c => c.HasEvents, () => RuleFor(c => c.Events).ValidWebhookEvents());
        When(c => c.HasEnabled, () => RuleFor(c => c.Enabled).NotNull().WithMessage("enabled must be true or false, not null."));
    }
}

internal sealed class UpdateWebhookHandler(
    IDbSession session, IUnitOfWork unitOfWork, WebhookDispatchSignal signal, WebhookDestinationGuard destinations, TimeProvider clock)
    : ICommandHandler<UpdateWebhookCommand, Result<WebhookResponse>>
{
    // One statement, so concurrent patches apply one after the other on the row lock. A new URL or a re-enable starts
    // the failure streak afresh (failing_since): the failures were the old target's, or are why it was disabled, and
    // keeping them would have the next failure disable it again at once. Pausing keeps the first pause time.
    private const string Sql = $"""
        update webhooks.webhooks w
        set url = case when @HasUrl then @Url else w.url end,
            events = case when @HasEvents then @Events else w.events end,
            disabled_at = case when not @HasEnabled then w.disabled_at
                               when @Enabled then null
                               else coalesce(w.disabled_at, @Now) end,
            failing_since = case when @HasUrl and @Url <> w.url then null
                                 when @HasEnabled and @Enabled and w.disabled_at is not null then null
                                 else w.failing_since end
        where w.id = @WebhookId
        returning {WebhookRow.Columns}
        """;

    public async ValueTask<Result<WebhookResponse>> Handle(UpdateWebhookCommand command, CancellationToken cancellationToken)
    {
        if (command.HasUrl && await destinations.RefusesAtRegistrationAsync(command.Url!, cancellationToken))
        {
            return Error.Validation("url", WebhookRules.InternalUrl);
        }

        var connection = await session.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<WebhookRow>(new CommandDefinition(Sql, new
        {
            command.WebhookId,
            command.HasUrl,
            Url = command.HasUrl ? new Uri(command.Url!.Trim()).AbsoluteUri : "",
            command.HasEvents,
            Events = command.HasEvents ? WebhookRules.NormalizeEvents(command.Events!) : [],
            command.HasEnabled,
            Enabled = command.Enabled ?? false,
            Now = clock.GetUtcNow().UtcDateTime,
        }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return WebhookErrors.WebhookNotFound;
        }

        if (command.Enabled == true)
        {
            // Deliveries a pause left pending are due again: send them now rather than at the next poll.
            await unitOfWork.AfterCommitAsync(() =>
            {
                signal.Notify();
                return Task.CompletedTask;
            });
        }

        return row.ToResponse();
    }
}

internal sealed class UpdateWebhookEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPatch("webhooks/{webhookId:guid}", async (Guid webhookId, UpdateWebhookRequest request, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new UpdateWebhookCommand(
                    webhookId, request.HasUrl, request.Url, request.HasEvents, request.Events, request.HasEnabled, request.Enabled), cancellationToken))
                    .Match(webhook => Results.Ok(webhook), ApiResults.Problem))
            .WithTags("Webhooks")
            .WithName("UpdateWebhook")
            .WithSummary("Change a webhook's url or events, or enable or pause it (maintainer)")
            .WithDescription("A merge patch: send only what changes. `enabled: true` re-enables a webhook that was disabled after a day of failed " +
                "attempts (its failure streak starts afresh; deliveries given up at the time stay failed and can be redelivered); `enabled: false` " +
                "pauses it: no deliveries are created for it, and pending ones wait until it is enabled again. A new url also starts the failure streak afresh; one on an internal address is refused with 400 as at registration. " +
                "The secret does not change.")
            .RequireAuthorization()
            .Produces<WebhookResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
