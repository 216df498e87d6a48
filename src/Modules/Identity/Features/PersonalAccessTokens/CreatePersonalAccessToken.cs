using Orbit.Shared.Validation;
using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Authentication;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.PersonalAccessTokens;

/// <param name="Scope">
/// <c>read</c> (GET and HEAD only; the default, least privilege) or <c>read-write</c>. No token can manage tokens or
/// account security: that needs an interactive session.
/// </param>
internal sealed record CreatePersonalAccessTokenRequest(
    string Name,
    DateTime? ExpiresAt,
    [property: AllowedValuesFrom(typeof(TokenScopes), nameof(TokenScopes.All))] string? Scope = null);

internal sealed record CreatePersonalAccessTokenCommand(Guid UserId, string Name, DateTime? ExpiresAt, string? Scope = null)
    : ICommand<Result<CreatedPersonalAccessToken>>;

/// <summary>The only response that ever carries the token itself.</summary>
internal sealed record CreatedPersonalAccessToken(
    Guid Id,
    string Name,
    DateTime CreatedAt,
    DateTime ExpiresAt,
    [property: AllowedValuesFrom(typeof(TokenScopes), nameof(TokenScopes.All))] string Scope,
    string Token);

internal sealed class CreatePersonalAccessTokenValidator : AbstractValidator<CreatePersonalAccessTokenCommand>
{
    public const int MaxLifetimeDays = 366;

    public CreatePersonalAccessTokenValidator(TimeProvider clock)
    {
        RuleFor(c => c.Name).NotEmpty().WithMessage("name is required.")
            .TrimmedMaximumLength(100).WithMessage("name must be 1 to 100 characters.");
        RuleFor(c => c.ExpiresAt)
            .Must(at => at is null || at.Value.ToUniversalTime() > clock.GetUtcNow().UtcDateTime).WithMessage("expiresAt must be in the future.")
            .Must(at => at is null || at.Value.ToUniversalTime() <= clock.GetUtcNow().UtcDateTime.AddDays(MaxLifetimeDays))
            .WithMessage($"expiresAt must be at most {MaxLifetimeDays} days ahead.");
        RuleFor(c => c.Scope).OneOf(TokenScopes.All);
    }
}

internal sealed class CreatePersonalAccessTokenHandler(IDbSession session, TimeProvider clock)
    : ICommandHandler<CreatePersonalAccessTokenCommand, Result<CreatedPersonalAccessToken>>
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(90);

    private const string Sql = """
        insert into identity.personal_access_tokens (id, user_id, name, token_hash, created_at, expires_at, scope)
        values (@Id, @UserId, @Name, @TokenHash, @CreatedAt, @ExpiresAt, @Scope)
        """;

    public async ValueTask<Result<CreatedPersonalAccessToken>> Handle(CreatePersonalAccessTokenCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var token = OpaqueToken.Create(OpaqueToken.PersonalAccessPrefix);
        var created = new CreatedPersonalAccessToken(
            Guid.CreateVersion7(now), command.Name.Trim(), now, command.ExpiresAt?.ToUniversalTime() ?? now + DefaultLifetime, command.Scope ?? TokenScopes.Read, token);
        var connection = await session.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            created.Id,
            command.UserId,
            created.Name,
            TokenHash = OpaqueToken.Hash(token),
            created.CreatedAt,
            created.ExpiresAt,
            created.Scope,
        }, cancellationToken: cancellationToken));
        return created;
    }
}

internal sealed class CreatePersonalAccessTokenEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("users/me/tokens", async (CreatePersonalAccessTokenRequest request, ICurrentUser user, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new CreatePersonalAccessTokenCommand(user.Id, request.Name, request.ExpiresAt, request.Scope), cancellationToken)).Match(
                    created => Results.Created($"/api/v1/users/me/tokens/{created.Id}", created),
                    ApiResults.Problem))
            .WithTags("Personal access tokens")
            .WithName("CreatePersonalAccessToken")
            .WithSummary("Create a personal access token for scripts")
            .WithDescription("The token is shown in this response only; Orbit stores its hash. Defaults to 90 days, at most 366. " +
                "`scope` is `read` (GET and HEAD only; the default) or `read-write`; a write with a read token is 403 auth.insufficient_scope. " +
                "Managing tokens needs an interactive session (an access token from signing in): a personal access token gets 403 " +
                "auth.interactive_session_required here, so a leaked token cannot mint others.")
            .RequireAuthorization()
            .RequireInteractiveSession()
            .Produces<CreatedPersonalAccessToken>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
}
