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

namespace Orbit.Modules.Identity.Features.SignOut;

/// <param name="RefreshToken">Required unless the client is a browser (<c>X-Orbit-Client: web</c>), whose token is in the cookie.</param>
internal sealed record SignOutRequest(string? RefreshToken = null);

/// <param name="FromCookie">The token came from the browser-session cookie: without one there is simply nothing to revoke.</param>
internal sealed record SignOutCommand(string? RefreshToken, bool FromCookie = false) : ICommand<Result<Unit>>;

internal sealed class SignOutValidator : AbstractValidator<SignOutCommand>
{
    public SignOutValidator()
    {
        RuleFor(c => c.RefreshToken).NotEmpty().When(c => !c.FromCookie).WithMessage("refreshToken is required.");
        RuleFor(c => c.RefreshToken).MaximumLength(200).WithMessage("refreshToken is too long.");
    }
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
        if (string.IsNullOrEmpty(command.RefreshToken))
        {
            return Unit.Value;
        }

        var connection = await session.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            Sql, new { Hash = OpaqueToken.Hash(command.RefreshToken), Now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
        return Unit.Value;
    }
}

internal sealed class SignOutEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("auth/logout", async (
                    SignOutRequest? request,
                    [FromHeader(Name = BrowserSession.ClientHeader)] string? client,
                    HttpContext context,
                    ISender sender,
                    CancellationToken cancellationToken) =>
            {
                if (!BrowserSession.IsRequested(client))
                {
                    return (await sender.Send(new SignOutCommand(request?.RefreshToken), cancellationToken)).Match(_ => Results.NoContent(), ApiResults.Problem);
                }

                if (BrowserSession.CheckOrigin(context.Request) is { } crossOrigin)
                {
                    return ApiResults.Problem(crossOrigin);
                }

                if (request?.RefreshToken is not null)
                {
                    return ApiResults.Problem(IdentityErrors.BodyTokenInCookieMode);
                }

                var result = await sender.Send(new SignOutCommand(BrowserSession.ReadToken(context.Request), FromCookie: true), cancellationToken);
                return result.Match(
                    _ =>
                    {
                        BrowserSession.ExpireCookie(context);
                        return Results.NoContent();
                    },
                    ApiResults.Problem);
            })
            .WithTags("Authentication")
            .WithName("SignOut")
            .WithSummary("Revoke the refresh token and every token of its sign-in")
            .WithDescription($"With `X-Orbit-Client: web` (browsers) send `{{}}`: the `{BrowserSession.CookieName}` cookie's sign-in is revoked and the " +
                "cookie expired; an Origin header other than Orbit's own is refused (403 auth.cross_origin).")
            .AllowAnonymous()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
}
