using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Users;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.GetCurrentUser;

internal sealed record GetCurrentUserQuery(Guid UserId) : IQuery<Result<UserResponse>>;

internal sealed class GetCurrentUserHandler(IDbSession session) : IQueryHandler<GetCurrentUserQuery, Result<UserResponse>>
{
    private const string Sql = """
        select id as Id, email as Email, display_name as DisplayName, roles as Roles, created_at as CreatedAt
        from identity.users
        where id = @UserId
        """;

    public async ValueTask<Result<UserResponse>> Handle(GetCurrentUserQuery query, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<UserResponse>(new CommandDefinition(Sql, query, cancellationToken: cancellationToken));
        return user is null ? IdentityErrors.CurrentUserNotFound : user;
    }
}

internal sealed class GetCurrentUserEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("users/me", async (ICurrentUser user, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new GetCurrentUserQuery(user.Id), cancellationToken)).Match(Results.Ok, ApiResults.Problem))
            .WithTags("Users")
            .WithName("GetCurrentUser")
            .WithSummary("The signed-in user")
            .RequireAuthorization()
            .Produces<UserResponse>();
}
