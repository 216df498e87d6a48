using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using Orbit.Modules.Identity.Contracts;
using Orbit.Modules.Identity.Passwords;
using Orbit.Modules.Identity.Users;
using Orbit.Shared.Data;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.RegisterUser;

internal sealed record RegisterUserCommand(string Email, string Password, string DisplayName) : ICommand<Result<UserResponse>>;

internal sealed class RegisterUserValidator : AbstractValidator<RegisterUserCommand>
{
    public RegisterUserValidator()
    {
        RuleFor(c => c.Email).ValidEmail();
        RuleFor(c => c.Password).ValidPassword(c => c.Email);
        RuleFor(c => c.DisplayName).ValidDisplayName();
    }
}

internal sealed class RegisterUserHandler(IDbSession session, Outbox outbox, PasswordHasher hasher, TimeProvider clock)
    : ICommandHandler<RegisterUserCommand, Result<UserResponse>>
{
    // "on conflict do nothing" against users_email_unique: a concurrent registration of the same email gets a
    // clean 409 rather than a unique-violation exception.
    private const string InsertSql = """
        insert into identity.users (id, email, display_name, password_hash, created_at, updated_at)
        values (@Id, @Email, @DisplayName, @PasswordHash, @Now, @Now)
        on conflict ((lower(email))) do nothing
        """;

    public async ValueTask<Result<UserResponse>> Handle(RegisterUserCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var user = new UserResponse
        {
            Id = Guid.CreateVersion7(now),
            Email = command.Email.Trim(),
            DisplayName = command.DisplayName.Trim(),
            Roles = [],
            CreatedAt = now,
        };
        var passwordHash = await hasher.HashAsync(command.Password, cancellationToken);
        if (!passwordHash.IsSuccess)
        {
            return passwordHash.Error;
        }

        var connection = await session.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            user.Id,
            user.Email,
            user.DisplayName,
            PasswordHash = passwordHash.Value,
            Now = now,
        }, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return IdentityErrors.EmailTaken;
        }

        await outbox.EnqueueAsync(IdentityModule.SchemaName, new UserRegistered(Guid.CreateVersion7(now), now, user.Id, user.Email, user.DisplayName), cancellationToken);
        return user;
    }
}

internal sealed class RegisterUserEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("auth/register", async (RegisterUserCommand command, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(command, cancellationToken)).Match(
                    user => Results.Created("/api/v1/users/me", user),
                    ApiResults.Problem))
            .WithTags("Authentication")
            .WithName("Register")
            .WithSummary("Create an account")
            .AllowAnonymous()
            .RequireRateLimiting(OrbitPolicies.CredentialsRateLimit)
            .Produces<UserResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
