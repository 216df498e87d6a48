using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Authentication;
using Orbit.Modules.Identity.Features.SignIn;
using Orbit.Modules.Identity.Passwords;
using Orbit.Modules.Identity.Users;
using Orbit.Shared.Caching;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.ForcePasswordReset;

/// <summary>The user's half of a forced reset: the temporary password an admin handed out buys one password change.</summary>
internal sealed record CompletePasswordResetCommand(string Email, string TemporaryPassword, string NewPassword) : ICommand<Result<Unit>>;

internal sealed class CompletePasswordResetValidator : AbstractValidator<CompletePasswordResetCommand>
{
    public CompletePasswordResetValidator()
    {
        RuleFor(c => c.Email).NotEmpty().WithMessage("email is required.").MaximumLength(UserRules.EmailMaxLength)
            .WithMessage($"email must be at most {UserRules.EmailMaxLength} characters.");
        RuleFor(c => c.TemporaryPassword).NotEmpty().WithMessage("temporaryPassword is required.").MaximumLength(1024).WithMessage("temporaryPassword is too long.");
        RuleFor(c => c.NewPassword).ValidPassword(c => c.Email, "newPassword")
            .NotEqual(c => c.TemporaryPassword).WithMessage("newPassword must differ from temporaryPassword.");
    }
}

internal sealed class CompletePasswordResetHandler(IDbSession session, ICacheEvictions evictions, PasswordHasher hasher, TimeProvider clock)
    : ICommandHandler<CompletePasswordResetCommand, Result<Unit>>
{
    // Served by users_email_unique; the row lock makes two completions with one temporary password take turns, so
    // only the first succeeds.
    private const string FindUserSql = """
        select id as Id, password_hash as PasswordHash, must_change_password as MustChangePassword, is_disabled as IsDisabled
        from identity.users
        where lower(email) = lower(@Email)
        for update
        """;

    private const string UpdateSql = """
        update identity.users
        set password_hash = @PasswordHash, must_change_password = false, sessions_valid_after = @Now, updated_at = @Now, version = version + 1
        where id = @Id
        """;

    public async ValueTask<Result<Unit>> Handle(CompletePasswordResetCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(FindUserSql, new { Email = command.Email.Trim() }, cancellationToken: cancellationToken));
        if (user is null)
        {
            var decoy = await hasher.VerifyAgainstDecoyAsync(command.TemporaryPassword, cancellationToken);
            return decoy.IsSuccess ? IdentityErrors.InvalidCredentials : decoy.Error;
        }

        // Only an account under a forced reset has a temporary password: any other answers as a wrong password does,
        // so this endpoint reveals nothing sign-in would not and cannot be used to guess real passwords.
        // Hashing takes turns (PasswordHasher): a refused turn answers 429 before anything is decided.
        var verified = await hasher.VerifyAsync(command.TemporaryPassword, user.PasswordHash, cancellationToken);
        if (!verified.IsSuccess)
        {
            return verified.Error;
        }

        if (!verified.Value || !user.MustChangePassword)
        {
            return IdentityErrors.InvalidCredentials;
        }

        if (user.IsDisabled)
        {
            return IdentityErrors.UserDisabled;
        }

        var newHash = await hasher.HashAsync(command.NewPassword, cancellationToken);
        if (!newHash.IsSuccess)
        {
            return newHash.Error;
        }

        await connection.ExecuteAsync(new CommandDefinition(UpdateSql, new
        {
            user.Id,
            PasswordHash = newHash.Value,
            Now = clock.GetUtcNow().UtcDateTime,
        }, cancellationToken: cancellationToken));
        await UserStateCache.EvictAsync(evictions, user.Id);
        return Unit.Value;
    }

    private sealed class Account
    {
        public Guid Id { get; init; }

        public string PasswordHash { get; init; } = "";

        public bool MustChangePassword { get; init; }

        public bool IsDisabled { get; init; }
    }
}

internal sealed class CompletePasswordResetEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("auth/reset-password", async (CompletePasswordResetCommand command, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(command, cancellationToken)).Match(_ => Results.NoContent(), ApiResults.Problem))
            .WithTags("Authentication")
            .WithName("CompletePasswordReset")
            .WithSummary("Set a new password with the temporary one an admin handed out")
            .WithDescription("After an admin forced a reset, signing in answers 403 identity.password_change_required. Send the email, the " +
                "temporary password and a new password (12 to 128 characters, not a common or breached password, not containing the email); " +
                "then sign in with the new one. A wrong email or temporary password, or an account not under a forced reset, is 401 " +
                "identity.invalid_credentials.")
            .AllowAnonymous()
            .RequireRateLimiting(OrbitPolicies.CredentialsRateLimit)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
