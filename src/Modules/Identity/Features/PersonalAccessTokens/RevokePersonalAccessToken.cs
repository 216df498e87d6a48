using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;
using Orbit.Modules.Identity.Users;

namespace Orbit.Modules.Identity.Features.PersonalAccessTokens;

internal sealed record RevokePersonalAccessTokenCommand(Guid UserId, Guid TokenId) : ICommand<Result<Unit>>;

internal sealed class RevokePersonalAccessTokenHandler(IDbSession session, TimeProvider clock)
    : ICommandHandler<RevokePersonalAccessTokenCommand, Result<Unit>>
{
    // Another user's token id answers 404 exactly like an unknown one. Revoking twice is harmless.
    private const string Sql = """
        update identity.personal_access_tokens
        set revoked_at = coalesce(revoked_at, @Now)
        where id = @TokenId and user_id = @UserId
        """;

    public async ValueTask<Result<Unit>> Handle(RevokePersonalAccessTokenCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            Sql, new { command.TokenId, command.UserId, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
        return updated == 0 ? IdentityErrors.TokenNotFound : Unit.Value;
    }
}

internal sealed class RevokePersonalAccessTokenEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapDelete("users/me/tokens/{id:guid}", async (Guid id, ICurrentUser user, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new RevokePersonalAccessTokenCommand(user.Id, id), cancellationToken)).Match(_ => Results.NoContent(), ApiResults.Problem))
            .WithTags("Personal access tokens")
            .WithName("RevokePersonalAccessToken")
            .WithSummary("Revoke one of your personal access tokens")
            .RequireAuthorization()
            .RequireInteractiveSession()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
