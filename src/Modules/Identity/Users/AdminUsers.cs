using System.Globalization;
using Microsoft.AspNetCore.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Users;

/// <summary>What the admin user features answer alike.</summary>
internal static class AdminUsers
{
    public static readonly Error NotFound = Error.NotFound("identity.user_not_found", "There is no user with this id.");

    /// <summary>200 with the user and its version as a strong ETag.</summary>
    public static IResult Ok(AdminUserResponse user, HttpContext context)
    {
        context.Response.Headers.ETag = $"\"{user.Version.ToString(CultureInfo.InvariantCulture)}\"";
        return Results.Ok(user);
    }
}
