using System.Text.Json.Serialization;
using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Authentication;
using Orbit.Modules.Identity.Passwords;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;
using Orbit.Modules.Identity.Users;

namespace Orbit.Modules.Identity.Features.SignIn;

/// <param name="Source">Where the attempt comes from (<see cref="ClientSource"/>), set by the endpoint, never from the body.</param>
internal sealed record SignInCommand(string Email, string Password) : ICommand<Result<TokenResponse>>
{
    [JsonIgnore]
    public string Source { get; init; } = "unknown";
}

internal sealed class SignInValidator : AbstractValidator<SignInCommand>
{
    public SignInValidator()
    {
        // Only presence: the format rules of registration would tell an attacker which guesses are pointless.
        RuleFor(c => c.Email).NotEmpty().WithMessage("email is required.").MaximumLength(254).WithMessage("email must be at most 254 characters.");
        RuleFor(c => c.Password).NotEmpty().WithMessage("password is required.").MaximumLength(1024).WithMessage("password is too long.");
    }
}

internal sealed class SignInHandler(
    IDbSession session,
    IUnitOfWork unitOfWork,
    PasswordHasher hasher,
    SignInThrottle throttle,
    TokenPairIssuer tokens,
    TimeProvider clock,
    SignInMetrics metrics)
    : ICommandHandler<SignInCommand, Result<TokenResponse>>
{
    private const string FindUserSql = """
        select id as Id, email as Email, display_name as DisplayName, roles as Roles, password_hash as PasswordHash,
               is_disabled as IsDisabled, must_change_password as MustChangePassword
        from identity.users
        where lower(email) = lower(@Email)
        """;

    public async ValueTask<Result<TokenResponse>> Handle(SignInCommand command, CancellationToken cancellationToken)
    {
        // Throttled attempts are answered before any hashing: they cost the host almost nothing.
        var (charge, wait, scope) = await throttle.ChargeAsync(command.Email, command.Source, unitOfWork, cancellationToken);
        if (charge is null)
        {
            metrics.Throttled(scope);
            return wait!;
        }

        var connection = await session.OpenAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<UserCredentials>(
            new CommandDefinition(FindUserSql, new { command.Email }, cancellationToken: cancellationToken));
        var verified = user is null
            ? await hasher.VerifyAgainstDecoyAsync(command.Password, cancellationToken)
            : await hasher.VerifyAsync(command.Password, user.PasswordHash, cancellationToken);
        if (!verified.IsSuccess)
        {
            await throttle.RefundAsync(charge, unitOfWork, cancellationToken);
            return verified.Error;
        }

        if (user is null || !verified.Value)
        {
            if (await throttle.FailedAsync(charge, unitOfWork, cancellationToken))
            {
                metrics.AccountThrottleStarted();
            }

            metrics.Failed();
            return IdentityErrors.InvalidCredentials;
        }

        if (user.IsDisabled)
        {
            metrics.Failed();
            return IdentityErrors.UserDisabled;
        }

        if (user.MustChangePassword)
        {
            // A temporary password from a forced reset is not a credential: it only sets a new password.
            metrics.Failed();
            return IdentityErrors.PasswordChangeRequired;
        }

        await throttle.SucceededAsync(charge, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var response = await tokens.IssueAsync(new SignedInUser(user.Id, user.Email, user.DisplayName, user.Roles), Guid.CreateVersion7(now), cancellationToken);
        metrics.Succeeded();
        return response;
    }

    private sealed class UserCredentials
    {
        public Guid Id { get; init; }

        public string Email { get; init; } = "";

        public string DisplayName { get; init; } = "";

        public string[] Roles { get; init; } = [];

        public string PasswordHash { get; init; } = "";

        public bool IsDisabled { get; init; }

        public bool MustChangePassword { get; init; }
    }
}

internal sealed class SignInEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("auth/login", async (
                    SignInCommand command,
                    [FromHeader(Name = BrowserSession.ClientHeader)] string? client,
                    HttpContext context,
                    ISender sender,
                    CancellationToken cancellationToken) =>
            {
                var browser = BrowserSession.IsRequested(client);
                if (browser && BrowserSession.CheckOrigin(context.Request) is { } crossOrigin)
                {
                    return ApiResults.Problem(crossOrigin);
                }

                return (await sender.Send(command with { Source = ClientSource.Of(context) }, cancellationToken)).Match(
                    tokens => Results.Ok(browser ? BrowserSession.MoveTokenToCookie(context, tokens) : tokens),
                    ApiResults.Problem);
            })
            .WithTags("Authentication")
            .WithName("SignIn")
            .WithSummary("Sign in with email and password")
            .WithDescription("Returns a short-lived access token (15 minutes unless Jwt:AccessTokenMinutes says otherwise) and a single-use refresh token. " +
                "Repeated failures slow down further attempts for that account from the same address (429 with Retry-After: 1 s, 2 s, 4 s... " +
                "up to 15 minutes); many failures from many addresses also slow down addresses the account has not signed in from lately. " +
                "When too many passwords are being checked at once the answer is 429 with Retry-After too. After an admin forced a password reset, the temporary password answers 403 " +
                "identity.password_change_required (set a new password with POST /api/v1/auth/reset-password). With `X-Orbit-Client: web` (browsers) the refresh token is not in the body but in " +
                $"the HttpOnly cookie `{BrowserSession.CookieName}` (Path={BrowserSession.CookiePath}, SameSite=Strict, Secure over HTTPS), and an " +
                "Origin header other than Orbit's own is refused (403 auth.cross_origin).")
            .AllowAnonymous()
            .RequireRateLimiting(OrbitPolicies.CredentialsRateLimit)
            .Produces<TokenResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
