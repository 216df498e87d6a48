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

/// <summary>One of the caller's tokens (never the token itself), where creating one points (<c>Location</c>).</summary>
internal sealed record GetPersonalAccessTokenQuery(Guid UserId, Guid TokenId) : IQuery<Result<PersonalAccessTokenResponse>>;

internal sealed class GetPersonalAccessTokenHandler(IDbSession session) : IQueryHandler<GetPersonalAccessTokenQuery, Result<PersonalAccessTokenResponse>>
{
    // The primary key. Another user's token id answers 404 exactly like an unknown one.
    private const string Sql = """
        select id as Id, name as Name, created_at as CreatedAt, expires_at as ExpiresAt, revoked_at as RevokedAt, scope as Scope
        from identity.personal_access_tokens
        where id = @TokenId and user_id = @UserId
        """;

    public async ValueTask<Result<PersonalAccessTokenResponse>> Handle(GetPersonalAccessTokenQuery query, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var token = await connection.QuerySingleOrDefaultAsync<PersonalAccessTokenResponse>(new CommandDefinition(
            Sql, new { query.TokenId, query.UserId }, cancellationToken: cancellationToken));
        return token is null ? IdentityErrors.TokenNotFound : token;
    }
}

internal sealed class GetPersonalAccessTokenEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("users/me/tokens/{id:guid}", async (Guid id, ICurrentUser user, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new GetPersonalAccessTokenQuery(user.Id, id), cancellationToken)).Match(token => Results.Ok(token), ApiResults.Problem))
            .WithTags("Personal access tokens")
            .WithName("GetPersonalAccessToken")
            .WithSummary("One of your personal access tokens (never the token itself)")
            .RequireAuthorization()
            .RequireInteractiveSession()
            .Produces<PersonalAccessTokenResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
