using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Authentication;
using Orbit.Modules.Identity.Users;
using Orbit.Shared.Caching;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.DisableUser;

/// <summary>
/// Disabling takes effect at once: the user's cached state is evicted on every instance when this commits. It also ends everything
/// the user held, for good: refresh tokens and personal access tokens are revoked and sessions_valid_after ends every
/// access token issued so far, so re-enabling the user brings none of them back (they sign in afresh).
/// </summary>
internal sealed record DisableUserCommand(Guid ActorId, Guid UserId) : ICommand<Result<AdminUserResponse>>;

internal sealed class DisableUserHandler(IDbSession session, ICacheEvictions evictions, TimeProvider clock) : ICommandHandler<DisableUserCommand, Result<AdminUserResponse>>
{
    private const string DisableSql = $"""
        update identity.users
        set is_disabled = true, sessions_valid_after = @Now, updated_at = @Now, version = version + case when is_disabled then 0 else 1 end
        where id = @UserId
        returning {UserRules.AdminColumns}
        """;

    // Served by refresh_tokens_user and personal_access_tokens_live.
    private const string RevokeTokensSql = """
        update identity.refresh_tokens set revoked_at = @Now where user_id = @UserId and revoked_at is null;
        update identity.personal_access_tokens set revoked_at = @Now where user_id = @UserId and revoked_at is null;
        """;

    public async ValueTask<Result<AdminUserResponse>> Handle(DisableUserCommand command, CancellationToken cancellationToken)
    {
        if (command.ActorId == command.UserId)
        {
            return IdentityErrors.CannotDisableSelf;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var connection = await session.OpenAsync(cancellationToken);
        if (await AdminUsers.IsLastActiveAdminAsync(connection, command.UserId, cancellationToken))
        {
            return IdentityErrors.LastAdmin;
        }

        var user = await connection.QuerySingleOrDefaultAsync<AdminUserResponse>(new CommandDefinition(
            DisableSql, new { command.UserId, Now = now }, cancellationToken: cancellationToken));
        if (user is null)
        {
            return IdentityErrors.UserNotFound;
        }

        await connection.ExecuteAsync(new CommandDefinition(RevokeTokensSql, new { command.UserId, Now = now }, cancellationToken: cancellationToken));
        await UserStateCache.EvictAsync(evictions, command.UserId);
        return user;
    }
}

internal sealed record EnableUserCommand(Guid UserId) : ICommand<Result<AdminUserResponse>>;

internal sealed class EnableUserHandler(IDbSession session, ICacheEvictions evictions, TimeProvider clock) : ICommandHandler<EnableUserCommand, Result<AdminUserResponse>>
{
    private const string Sql = $"""
        update identity.users
        set is_disabled = false, failed_sign_ins = 0, locked_until = null, updated_at = @Now,
            version = version + case when is_disabled then 1 else 0 end
        where id = @UserId
        returning {UserRules.AdminColumns}
        """;

    public async ValueTask<Result<AdminUserResponse>> Handle(EnableUserCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<AdminUserResponse>(new CommandDefinition(
            Sql, new { command.UserId, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
        if (user is null)
        {
            return IdentityErrors.UserNotFound;
        }

        await UserStateCache.EvictAsync(evictions, command.UserId);
        return user;
    }
}

internal sealed class DisableUserEndpoints : IEndpoint
{
    public void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("admin/users/{id:guid}/disable", async (Guid id, ICurrentUser actor, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
                (await sender.Send(new DisableUserCommand(actor.Id, id), cancellationToken)).Match(user => Versioning.Ok(user, user.Version, context), ApiResults.Problem))
            .WithTags("Administration")
            .WithName("DisableUser")
            .WithSummary("Disable a user: their tokens stop working at once")
            .RequireAuthorization(OrbitPolicies.Admin)
            .Produces<AdminUserResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("admin/users/{id:guid}/enable", async (Guid id, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
                (await sender.Send(new EnableUserCommand(id), cancellationToken)).Match(user => Versioning.Ok(user, user.Version, context), ApiResults.Problem))
            .WithTags("Administration")
            .WithName("EnableUser")
            .WithSummary("Enable a disabled user (and lift any sign-in lockout)")
            .RequireAuthorization(OrbitPolicies.Admin)
            .Produces<AdminUserResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
