using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Authentication;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;
using Orbit.Modules.Identity.Users;

namespace Orbit.Modules.Identity.Features.RefreshTokens;

/// <param name="RefreshToken">Required unless the client is a browser (<c>X-Orbit-Client: web</c>), whose token is in the cookie.</param>
internal sealed record RefreshTokensRequest(string? RefreshToken = null);

/// <param name="FromCookie">The token came from the browser-session cookie: a missing one is then 401, not a validation error.</param>
internal sealed record RefreshTokensCommand(string? RefreshToken, bool FromCookie = false) : ICommand<Result<TokenResponse>>;

internal sealed class RefreshTokensValidator : AbstractValidator<RefreshTokensCommand>
{
    public RefreshTokensValidator()
    {
        RuleFor(c => c.RefreshToken).NotEmpty().When(c => !c.FromCookie).WithMessage("refreshToken is required.");
        RuleFor(c => c.RefreshToken).MaximumLength(200).WithMessage("refreshToken is too long.");
    }
}

internal sealed class RefreshTokensHandler(IDbSession session, IUnitOfWork unitOfWork, TokenPairIssuer tokens, TimeProvider clock)
    : ICommandHandler<RefreshTokensCommand, Result<TokenResponse>>
{
    // Row lock: two concurrent uses of one token are serialised, and the second is seen as reuse.
    private const string FindTokenSql = """
        select t.id as Id, t.family_id as FamilyId, t.expires_at as ExpiresAt, t.used_at as UsedAt, t.revoked_at as RevokedAt,
               u.id as UserId, u.email as Email, u.display_name as DisplayName, u.roles as Roles, u.is_disabled as IsDisabled
        from identity.refresh_tokens t
        join identity.users u on u.id = t.user_id
        where t.token_hash = @Hash
        for update of t
        """;

    private const string MarkUsedSql = "update identity.refresh_tokens set used_at = @Now where id = @Id";

    private const string RevokeFamilySql = """
        update identity.refresh_tokens set revoked_at = @Now where family_id = @FamilyId and revoked_at is null
        """;

    public async ValueTask<Result<TokenResponse>> Handle(RefreshTokensCommand command, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(command.RefreshToken))
        {
            return IdentityErrors.NoSessionCookie;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var connection = await session.OpenAsync(cancellationToken);
        var token = await connection.QuerySingleOrDefaultAsync<StoredToken>(new CommandDefinition(
            FindTokenSql, new { Hash = OpaqueToken.Hash(command.RefreshToken) }, cancellationToken: cancellationToken));
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now || token.IsDisabled)
        {
            return IdentityErrors.InvalidRefreshToken;
        }

        if (token.UsedAt is not null)
        {
            // Someone holds a copy of a rotated token: assume theft and end the whole sign-in. The revocation must
            // survive the failed request, so it is committed here rather than rolled back by the pipeline.
            await connection.ExecuteAsync(new CommandDefinition(RevokeFamilySql, new { token.FamilyId, Now = now }, cancellationToken: cancellationToken));
            await unitOfWork.CommitAsync(cancellationToken);
            return IdentityErrors.RefreshTokenReused;
        }

        await connection.ExecuteAsync(new CommandDefinition(MarkUsedSql, new { token.Id, Now = now }, cancellationToken: cancellationToken));
        return await tokens.IssueAsync(new SignedInUser(token.UserId, token.Email, token.DisplayName, token.Roles), token.FamilyId, cancellationToken);
    }

    private sealed class StoredToken
    {
        public Guid Id { get; init; }

        public Guid FamilyId { get; init; }

        public DateTime ExpiresAt { get; init; }

        public DateTime? UsedAt { get; init; }

        public DateTime? RevokedAt { get; init; }

        public Guid UserId { get; init; }

        public string Email { get; init; } = "";

        public string DisplayName { get; init; } = "";

        public string[] Roles { get; init; } = [];

        public bool IsDisabled { get; init; }
    }
}

internal sealed class RefreshTokensEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("auth/refresh", async (
                    RefreshTokensRequest? request,
                    [FromHeader(Name = BrowserSession.ClientHeader)] string? client,
                    HttpContext context,
                    ISender sender,
                    CancellationToken cancellationToken) =>
            {
                if (!BrowserSession.IsRequested(client))
                {
                    return (await sender.Send(new RefreshTokensCommand(request?.RefreshToken), cancellationToken)).Match(Results.Ok, ApiResults.Problem);
                }

                if (BrowserSession.CheckOrigin(context.Request) is { } crossOrigin)
                {
                    return ApiResults.Problem(crossOrigin);
                }

                if (request?.RefreshToken is not null)
                {
                    return ApiResults.Problem(IdentityErrors.BodyTokenInCookieMode);
                }

                var result = await sender.Send(new RefreshTokensCommand(BrowserSession.ReadToken(context.Request), FromCookie: true), cancellationToken);
                return result.Match(
                    tokens => Results.Ok(BrowserSession.MoveTokenToCookie(context, tokens)),
                    error =>
                    {
                        // A dead session cookie is of no further use: have the browser drop it rather than keep sending it.
                        if (error.Type == ErrorType.Unauthorized)
                        {
                            BrowserSession.ExpireCookie(context);
                        }

                        return ApiResults.Problem(error);
                    });
            })
            .WithTags("Authentication")
            .WithName("RefreshTokens")
            .WithSummary("Exchange a refresh token for a new token pair")
            .WithDescription("A refresh token works once. Presenting a used one again revokes every token of that sign-in. With " +
                $"`X-Orbit-Client: web` (browsers) send `{{}}`: the token is read from the `{BrowserSession.CookieName}` cookie, the new one is set " +
                "in its place and the body carries no refreshToken; an Origin header other than Orbit's own is refused (403 auth.cross_origin), " +
                "and a missing, unknown or reused cookie is 401 (and the cookie is expired).")
            .AllowAnonymous()
            .RequireRateLimiting(OrbitPolicies.CredentialsRateLimit)
            .Produces<TokenResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
