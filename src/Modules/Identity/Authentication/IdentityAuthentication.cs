using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Orbit.Shared.Data;
using Orbit.Shared.Identity;

namespace Orbit.Modules.Identity.Authentication;

/// <summary>
/// Identity owns credentials, so it owns the authentication schemes: a JWT bearer for access tokens and a handler
/// for personal access tokens, behind one policy scheme that picks by the token's prefix. Either way the user's
/// current row is consulted on every request, so disabling a user or changing roles takes effect at once.
/// </summary>
internal static class IdentityAuthentication
{
    public const string Scheme = "Orbit";
    public const string PersonalAccessTokenScheme = "PersonalAccessToken";

    public static IServiceCollection AddIdentityAuthentication(this IServiceCollection services)
    {
        services
            .AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer access token or personal access token", policy =>
            {
                policy.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.ToString().StartsWith("Bearer " + OpaqueToken.PersonalAccessPrefix, StringComparison.Ordinal)
                        ? PersonalAccessTokenScheme
                        : JwtBearerDefaults.AuthenticationScheme;
            })
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, PersonalAccessTokenHandler>(PersonalAccessTokenScheme, null);

        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>>((bearer, jwtOptions) =>
            {
                var jwt = jwtOptions.Value;
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = AccessTokenIssuer.KeyOf(jwt),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = "name",
                    RoleClaimType = OrbitClaims.Role,
                };
                bearer.Events = new JwtBearerEvents
                {
                    OnTokenValidated = async context =>
                    {
                        var session = context.HttpContext.RequestServices.GetRequiredService<IDbSession>();
                        if (context.Principal is null || !await ActiveUser.RefreshAsync(context.Principal, session, context.HttpContext.RequestAborted))
                        {
                            context.Fail("The user is disabled or no longer exists.");
                        }
                    },
                };
                AuthenticationDuringOutage.Guard(bearer.Events);
            });
        return services;
    }
}

/// <summary>Re-reads the user's row for every authenticated request: disabled users stop, role changes apply.</summary>
internal static class ActiveUser
{
    private const string Sql = """
        select roles as Roles
        from identity.users
        where id = @UserId and not is_disabled
        """;

    public static async Task<bool> RefreshAsync(ClaimsPrincipal principal, IDbSession session, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(principal.FindFirstValue(OrbitClaims.UserId), out var userId))
        {
            return false;
        }

        var connection = await session.OpenAsync(cancellationToken);
        // ExecuteScalar: no row (unknown or disabled user) is null, an admin-less user an empty array.
        var roles = await connection.ExecuteScalarAsync<string[]>(
            new CommandDefinition(Sql, new { UserId = userId }, cancellationToken: cancellationToken));
        if (roles is null)
        {
            return false;
        }

        var identity = (ClaimsIdentity)principal.Identity!;
        foreach (var stale in identity.FindAll(OrbitClaims.Role).ToList())
        {
            identity.RemoveClaim(stale);
        }

        identity.AddClaims(roles.Select(role => new Claim(OrbitClaims.Role, role)));
        return true;
    }
}
