using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Orbit.Modules.Identity.Authentication;
using Orbit.Modules.Identity.Passwords;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.SignIn;

internal sealed record SignInCommand(string Email, string Password) : ICommand<Result<TokenResponse>>;

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
    TokenPairIssuer tokens,
    IOptions<LockoutOptions> lockout,
    TimeProvider clock,
    SignInMetrics metrics)
    : ICommandHandler<SignInCommand, Result<TokenResponse>>
{
    // Row lock: concurrent attempts on one account count their failures one after the other.
    private const string FindUserSql = """
        select id as Id, email as Email, display_name as DisplayName, roles as Roles, password_hash as PasswordHash,
               is_disabled as IsDisabled, locked_until as LockedUntil, must_change_password as MustChangePassword
        from identity.users
        where lower(email) = lower(@Email)
        for update
        """;

    private const string RecordFailureSql = """
        update identity.users
        set failed_sign_ins = case when failed_sign_ins + 1 >= @MaxFailures then 0 else failed_sign_ins + 1 end,
            locked_until = case when failed_sign_ins + 1 >= @MaxFailures then @LockedUntil else locked_until end
        where id = @Id
        returning locked_until > @Now
        """;

    private const string RecordSuccessSql = """
        update identity.users set failed_sign_ins = 0, locked_until = null where id = @Id
        """;

    // One answer for unknown email, wrong password and locked account, so none of them reveals which it was.
    public static readonly Error InvalidCredentials = Error.Unauthorized("identity.invalid_credentials", "The email or password is incorrect, or the account is temporarily locked.");
    public static readonly Error Disabled = Error.Unauthorized("identity.user_disabled", "This account is disabled.");
    public static readonly Error PasswordChangeRequired = Error.Forbidden(
        "identity.password_change_required",
        "An administrator reset this account's password: set a new one with the temporary password (POST /api/v1/auth/reset-password), then sign in.");

    public async ValueTask<Result<TokenResponse>> Handle(SignInCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var connection = await session.OpenAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<UserCredentials>(
            new CommandDefinition(FindUserSql, new { command.Email }, cancellationToken: cancellationToken));
        if (user is null)
        {
            hasher.VerifyAgainstDecoy(command.Password);
            metrics.Failed();
            return InvalidCredentials;
        }

        var passwordMatches = PasswordHasher.Verify(command.Password, user.PasswordHash);
        if (user.LockedUntil > now)
        {
            metrics.Failed();
            return InvalidCredentials;
        }

        if (!passwordMatches)
        {
            var lockedNow = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(RecordFailureSql, new
            {
                user.Id,
                MaxFailures = lockout.Value.MaxFailedAttempts,
                LockedUntil = now + lockout.Value.Duration,
                Now = now,
            }, cancellationToken: cancellationToken));

            // The request fails, yet the failure count must stick: commit it before the pipeline rolls back.
            await unitOfWork.CommitAsync(cancellationToken);
            metrics.Failed();
            if (lockedNow == true)
            {
                metrics.LockedOut();
            }

            return InvalidCredentials;
        }

        if (user.IsDisabled)
        {
            metrics.Failed();
            return Disabled;
        }

        if (user.MustChangePassword)
        {
            // A temporary password from a forced reset is not a credential: it only sets a new password.
            metrics.Failed();
            return PasswordChangeRequired;
        }

        await connection.ExecuteAsync(new CommandDefinition(RecordSuccessSql, new { user.Id }, cancellationToken: cancellationToken));
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

        public DateTime? LockedUntil { get; init; }

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

                return (await sender.Send(command, cancellationToken)).Match(
                    tokens => Results.Ok(browser ? BrowserSession.MoveTokenToCookie(context, tokens) : tokens),
                    ApiResults.Problem);
            })
            .WithTags("Authentication")
            .WithName("SignIn")
            .WithSummary("Sign in with email and password")
            .WithDescription("Returns a short-lived access token (15 minutes unless Jwt:AccessTokenMinutes says otherwise) and a single-use refresh token. " +
                "Repeated failures lock the account for a while. After an admin forced a password reset, the temporary password answers 403 " +
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
