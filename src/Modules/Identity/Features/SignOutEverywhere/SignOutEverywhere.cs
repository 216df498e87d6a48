using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Authentication;
using Orbit.Modules.Identity.Users;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.SignOutEverywhere;

/// <summary>Ends every session of the caller, this one included; personal access tokens stay (revoke them one by one).</summary>
internal sealed record SignOutEverywhereCommand(Guid UserId) : ICommand<Result<Unit>>;

internal sealed class SignOutEverywhereHandler(IDbSession session, TimeProvider clock) : ICommandHandler<SignOutEverywhereCommand, Result<Unit>>
{
    public async ValueTask<Result<Unit>> Handle(SignOutEverywhereCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        await UserSessions.EndAllAsync(connection, command.UserId, clock.GetUtcNow().UtcDateTime, revokePersonalAccessTokens: false, cancellationToken);
        return Unit.Value;
    }
}

internal sealed class SignOutEverywhereEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("auth/logout-all", async (
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

                return (await sender.Send(new SignOutEverywhereCommand(user.Id), cancellationToken)).Match(
                    _ =>
                    {
                        if (browser)
                        {
                            BrowserSession.ExpireCookie(context);
                        }

                        return Results.NoContent();
                    },
                    ApiResults.Problem);
            })
            .WithTags("Authentication")
            .WithName("SignOutEverywhere")
            .WithSummary("Sign out everywhere: end every session of yours, this one included")
            .WithDescription("Revokes every refresh token of yours and refuses every access token issued before this second: other devices " +
                "are signed out at their next request (an open change-feed stream ends within seconds with `session.ended`, reason " +
                "`signed_out`). Personal access tokens keep working; revoke them separately. Needs an interactive session (an access " +
                "token from signing in, not a personal access token). With `X-Orbit-Client: web` the session cookie is expired too.")
            .RequireAuthorization()
            .RequireInteractiveSession()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden);
}
