using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Authentication;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.RefreshTokens;

internal sealed record RefreshTokensCommand(string RefreshToken) : ICommand<Result<TokenResponse>>;

internal sealed class RefreshTokensValidator : AbstractValidator<RefreshTokensCommand>
{
    public RefreshTokensValidator() =>
        RuleFor(c => c.RefreshToken).NotEmpty().WithMessage("refreshToken is required.").MaximumLength(200).WithMessage("refreshToken is too long.");
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

    public static readonly Error Invalid = Error.Unauthorized("identity.invalid_refresh_token", "The refresh token is unknown, expired or revoked.");
    public static readonly Error Reused = Error.Unauthorized("identity.refresh_token_reused", "The refresh token was already used; every token of this sign-in is now revoked.");

    public async ValueTask<Result<TokenResponse>> Handle(RefreshTokensCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var connection = await session.OpenAsync(cancellationToken);
        var token = await connection.QuerySingleOrDefaultAsync<StoredToken>(new CommandDefinition(
            FindTokenSql, new { Hash = OpaqueToken.Hash(command.RefreshToken) }, cancellationToken: cancellationToken));
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now || token.IsDisabled)
        {
            return Invalid;
        }

        if (token.UsedAt is not null)
        {
            // Someone holds a copy of a rotated token: assume theft and end the whole sign-in. The revocation must
            // survive the failed request, so it is committed here rather than rolled back by the pipeline.
            await connection.ExecuteAsync(new CommandDefinition(RevokeFamilySql, new { token.FamilyId, Now = now }, cancellationToken: cancellationToken));
            await unitOfWork.CommitAsync(cancellationToken);
            return Reused;
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
        api.MapPost("auth/refresh", async (RefreshTokensCommand command, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(command, cancellationToken)).Match(Results.Ok, ApiResults.Problem))
            .WithTags("Authentication")
            .WithName("RefreshTokens")
            .WithSummary("Exchange a refresh token for a new token pair")
            .WithDescription("A refresh token works once. Presenting a used one again revokes every token of that sign-in.")
            .AllowAnonymous()
            .RequireRateLimiting(OrbitPolicies.CredentialsRateLimit)
            .Produces<TokenResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
