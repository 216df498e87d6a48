using Orbit.Shared.Validation;
using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Authentication;
using Orbit.Modules.Identity.Users;
using Orbit.Shared.Caching;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.SetUserRoles;

internal sealed record SetUserRolesRequest(string[] Roles);

internal sealed record SetUserRolesCommand(Guid UserId, string[] Roles) : ICommand<Result<AdminUserResponse>>;

internal sealed class SetUserRolesValidator : AbstractValidator<SetUserRolesCommand>
{
    public SetUserRolesValidator()
    {
        RuleFor(c => c.Roles).NotNull().WithMessage("roles is required (an empty list makes a plain user).");
        RuleForEach(c => c.Roles)
            .NotNull().WithMessage($"role must be one of: {string.Join(", ", UserRules.KnownRoles)}.")
            .OneOf(UserRules.KnownRoles)
            .WithMessage($"role must be one of: {string.Join(", ", UserRules.KnownRoles)}.");
    }
}

internal sealed class SetUserRolesHandler(IDbSession session, ICacheEvictions evictions, TimeProvider clock) : ICommandHandler<SetUserRolesCommand, Result<AdminUserResponse>>
{
    private const string UpdateSql = $"""
        update identity.users
        set roles = @Roles, updated_at = @Now, version = version + 1
        where id = @UserId
        returning {UserRules.AdminColumns}
        """;

    public async ValueTask<Result<AdminUserResponse>> Handle(SetUserRolesCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var roles = command.Roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (await AdminUsers.IsLastActiveAdminAsync(connection, command.UserId, cancellationToken) && !roles.Contains(UserRules.AdminRole))
        {
            return IdentityErrors.LastAdmin;
        }

        var user = await connection.QuerySingleOrDefaultAsync<AdminUserResponse>(new CommandDefinition(
            UpdateSql, new { command.UserId, Roles = roles, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
        if (user is null)
        {
            return IdentityErrors.UserNotFound;
        }

        // Authentication reads roles from the cached user state: every instance forgets it when this commits.
        await UserStateCache.EvictAsync(evictions, command.UserId);
        return user;
    }
}

internal sealed class SetUserRolesEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPut("admin/users/{id:guid}/roles", async (Guid id, SetUserRolesRequest request, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
                (await sender.Send(new SetUserRolesCommand(id, request.Roles), cancellationToken)).Match(
                    user => Versioning.Ok(user, user.Version, context),
                    ApiResults.Problem))
            .WithTags("Administration")
            .WithName("SetUserRoles")
            .WithSummary("Replace a user's system roles")
            .RequireAuthorization(OrbitPolicies.Admin)
            .Produces<AdminUserResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
