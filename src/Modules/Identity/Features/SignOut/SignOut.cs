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

namespace Orbit.Modules.Identity.Features.SignOut;

internal sealed record SignOutCommand(string RefreshToken) : ICommand<Result<Unit>>;

internal sealed class SignOutValidator : AbstractValidator<SignOutCommand>
{
    public SignOutValidator() =>
        RuleFor(c => c.RefreshToken).NotEmpty().WithMessage("refreshToken is required.").MaximumLength(200).WithMessage("refreshToken is too long.");
}

internal sealed class SignOutHandler(IDbSession session, TimeProvider clock) : ICommandHandler<SignOutCommand, Result<Unit>>
{
    // Revokes the family of the presented token. An unknown token changes nothing and answers the same 204, so the
    // endpoint cannot be used to test whether a token exists.
    private const string Sql = """
        update identity.refresh_tokens set revoked_at = @Now
        where family_id = (select family_id from identity.refresh_tokens where token_hash = @Hash)
          and revoked_at is null
        """;

    public async ValueTask<Result<Unit>> Handle(SignOutCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            Sql, new { Hash = OpaqueToken.Hash(command.RefreshToken), Now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
        return Unit.Value;
    }
}

internal sealed class SignOutEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("auth/logout", async (SignOutCommand command, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(command, cancellationToken)).Match(_ => Results.NoContent(), ApiResults.Problem))
            .WithTags("Authentication")
            .WithName("SignOut")
            .WithSummary("Revoke the refresh token and every token of its sign-in")
            .AllowAnonymous()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem();
}
