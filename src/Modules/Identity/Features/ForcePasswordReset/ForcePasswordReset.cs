using System.Buffers.Text;
using System.Security.Cryptography;
using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Passwords;
using Orbit.Modules.Identity.Users;
using Orbit.Shared.Caching;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.ForcePasswordReset;

/// <summary>
/// An admin's answer to a suspected compromise or a forgotten password (Orbit sends no email): the password is
/// replaced by a random temporary one shown once to the admin, who passes it on out of band; every session and
/// personal access token of the user ends; and sign-in refuses the temporary password (403
/// identity.password_change_required) until the user sets their own with it (<c>POST /auth/reset-password</c>).
/// Whoever held the old password or a token is out, and the temporary password is never a working credential.
/// </summary>
internal sealed record ForcePasswordResetCommand(Guid ActorId, Guid UserId) : ICommand<Result<PasswordResetResponse>>;

/// <param name="TemporaryPassword">Shown only in this response. It cannot sign in; it can only set a new password.</param>
internal sealed record PasswordResetResponse(string TemporaryPassword);

internal sealed class ForcePasswordResetHandler(IDbSession session, ICacheEvictions evictions, TimeProvider clock) : ICommandHandler<ForcePasswordResetCommand, Result<PasswordResetResponse>>
{
    private const string ResetSql = """
        update identity.users
        set password_hash = @PasswordHash, must_change_password = true, failed_sign_ins = 0, locked_until = null,
            updated_at = @Now, version = version + 1
        where id = @UserId
        """;

    public async ValueTask<Result<PasswordResetResponse>> Handle(ForcePasswordResetCommand command, CancellationToken cancellationToken)
    {
        if (command.ActorId == command.UserId)
        {
            return IdentityErrors.CannotResetSelf;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        // 18 random bytes: 24 characters of base64url, 144 bits, never guessed and never on a blocklist.
        var temporary = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        var connection = await session.OpenAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(ResetSql, new
        {
            command.UserId,
            PasswordHash = PasswordHasher.HashPassword(temporary),
            Now = now,
        }, cancellationToken: cancellationToken));
        if (updated == 0)
        {
            return IdentityErrors.UserNotFound;
        }

        await UserSessions.EndAllAsync(connection, evictions, command.UserId, now, revokePersonalAccessTokens: true, cancellationToken);
        return new PasswordResetResponse(temporary);
    }
}

internal sealed class ForcePasswordResetEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("admin/users/{id:guid}/reset-password", async (Guid id, ICurrentUser actor, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new ForcePasswordResetCommand(actor.Id, id), cancellationToken)).Match(Results.Ok, ApiResults.Problem))
            .WithTags("Administration")
            .WithName("ForcePasswordReset")
            .WithSummary("Force a password reset: end every session and token of the user, and hand out a temporary password")
            .WithDescription("Replaces the password by a random temporary one, shown in this response only, and revokes every refresh token " +
                "and personal access token of the user (access tokens issued before this second are refused, open change-feed streams end " +
                "within seconds). Signing in with the temporary password answers 403 identity.password_change_required; the user sets a new " +
                "password with it through POST /api/v1/auth/reset-password, then signs in. Resetting yourself is 409 identity.cannot_reset_self.")
            .RequireAuthorization(OrbitPolicies.Admin)
            .RequireInteractiveSession()
            .Produces<PasswordResetResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
