using System.Security.Claims;
using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Authentication;
using Orbit.Modules.Identity.Passwords;
using Orbit.Modules.Identity.Users;
using Orbit.Shared.Caching;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.ChangePassword;

/// <param name="RevokePersonalAccessTokens">
/// Also revoke every personal access token (default false): a password change is often routine, and scripts should
/// not break for it; after a suspected compromise, set it (or revoke tokens one by one).
/// </param>
internal sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword, bool RevokePersonalAccessTokens = false);

/// <param name="Email">The caller's email (from the token), so the policy can refuse a password that contains it.</param>
internal sealed record ChangePasswordCommand(Guid UserId, string? Email, string CurrentPassword, string NewPassword, bool RevokePersonalAccessTokens)
    : ICommand<Result<TokenResponse>>;

internal sealed class ChangePasswordValidator : AbstractValidator<ChangePasswordCommand>
{
    public ChangePasswordValidator()
    {
        RuleFor(c => c.CurrentPassword).NotEmpty().WithMessage("currentPassword is required.").MaximumLength(1024).WithMessage("currentPassword is too long.");
        RuleFor(c => c.NewPassword).ValidPassword(c => c.Email, "newPassword")
            .NotEqual(c => c.CurrentPassword).WithMessage("newPassword must differ from currentPassword.");
    }
}

internal sealed class ChangePasswordHandler(IDbSession session, ICacheEvictions evictions, PasswordHasher hasher, TokenPairIssuer tokens, TimeProvider clock)
    : ICommandHandler<ChangePasswordCommand, Result<TokenResponse>>
{
    // Row lock: two changes at once apply one after the other, each checking the current password it knows.
    private const string FindUserSql = """
        select email as Email, display_name as DisplayName, roles as Roles, password_hash as PasswordHash
        from identity.users
        where id = @UserId and not is_disabled
        for update
        """;

    private const string UpdateSql = """
        update identity.users
        set password_hash = @PasswordHash, must_change_password = false, updated_at = @Now, version = version + 1
        where id = @UserId
        """;

    public async ValueTask<Result<TokenResponse>> Handle(ChangePasswordCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var connection = await session.OpenAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(FindUserSql, new { command.UserId }, cancellationToken: cancellationToken));
        if (user is null)
        {
            return IdentityErrors.WrongPassword;
        }

        // Hashing takes turns (PasswordHasher): a refused turn answers 429 and changes nothing.
        var verified = await hasher.VerifyAsync(command.CurrentPassword, user.PasswordHash, cancellationToken);
        if (!verified.IsSuccess)
        {
            return verified.Error;
        }

        if (!verified.Value)
        {
            return IdentityErrors.WrongPassword;
        }

        var newHash = await hasher.HashAsync(command.NewPassword, cancellationToken);
        if (!newHash.IsSuccess)
        {
            return newHash.Error;
        }

        await connection.ExecuteAsync(new CommandDefinition(UpdateSql, new
        {
            command.UserId,
            PasswordHash = newHash.Value,
            Now = now,
        }, cancellationToken: cancellationToken));
        await UserSessions.EndAllAsync(connection, evictions, command.UserId, now, command.RevokePersonalAccessTokens, cancellationToken);

        // Every other session ends; this one goes on with a new sign-in (a new refresh token family, an access token
        // issued this second, which sessions_valid_after admits).
        return await tokens.IssueAsync(new SignedInUser(command.UserId, user.Email, user.DisplayName, user.Roles), Guid.CreateVersion7(now), cancellationToken);
    }

    private sealed class Account
    {
        public string Email { get; init; } = "";

        public string DisplayName { get; init; } = "";

        public string[] Roles { get; init; } = [];

        public string PasswordHash { get; init; } = "";
    }
}

internal sealed class ChangePasswordEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("users/me/password", async (
                    ChangePasswordRequest request,
                    [FromHeader(Name = BrowserSession.ClientHeader)] string? client,
                    ICurrentUser user,
                    HttpContext context,
                    ISender sender,
                    CancellationToken cancellationToken) =>
            {
                var browser = BrowserSession.IsRequested(client);
                if (browser && BrowserSession.CheckOrigin(context.Request) is { } crossOrigin)
                {
                    return ApiResults.Problem(crossOrigin);
                }

                var command = new ChangePasswordCommand(
                    user.Id, context.User.FindFirstValue("email"), request.CurrentPassword, request.NewPassword, request.RevokePersonalAccessTokens);
                return (await sender.Send(command, cancellationToken)).Match(
                    tokens => Results.Ok(browser ? BrowserSession.MoveTokenToCookie(context, tokens) : tokens),
                    ApiResults.Problem);
            })
            .WithTags("Account")
            .WithName("ChangePassword")
            .WithSummary("Change your password; every other session ends")
            .WithDescription("Needs the current password and an interactive session (an access token from signing in, not a personal access " +
                "token). The new password must be 12 to 128 characters and not a common or breached password, nor contain your email. " +
                "Every refresh token of yours is revoked and every access token issued before this second refused, so other devices are " +
                "signed out; this response carries a new token pair for the caller (with `X-Orbit-Client: web` the refresh token goes to the " +
                "session cookie). Personal access tokens keep working unless `revokePersonalAccessTokens` is true. A wrong current password " +
                "is a validation problem on `currentPassword`.")
            .RequireAuthorization()
            .RequireInteractiveSession()
            .RequireRateLimiting(OrbitPolicies.CredentialsRateLimit)
            .Produces<TokenResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
