using System.Security.Claims;
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
                    // RFC 9068: an access token says it is one, so no other JWT signed with this key (a future ID
                    // token, say) can be presented as one.
                    ValidTypes = [AccessTokenIssuer.TokenType, "application/" + AccessTokenIssuer.TokenType],
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
                            context.Fail("The user is disabled or no longer exists, or the token was issued before the user's sessions were ended.");
                        }
                    },
                };
            });
        return services;
    }
}

/// <summary>
/// Re-reads the user's state for every request authenticated by an access token: disabled users stop, tokens issued
/// before the user's sessions were ended stop, role changes apply. The rule itself is <see cref="UserState.Admit"/>.
/// </summary>
internal static class ActiveUser
{
    public static async Task<bool> RefreshAsync(ClaimsPrincipal principal, IDbSession session, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(principal.FindFirstValue(OrbitClaims.UserId), out var userId) || IssuedAt(principal) is not { } issuedAt)
        {
            return false;
        }

        var connection = await session.OpenAsync(cancellationToken);
        var state = await UserState.ReadAsync(connection, userId, cancellationToken);
        if (state is null || state.Admit(issuedAt) is not null)
        {
            return false;
        }

        var identity = (ClaimsIdentity)principal.Identity!;
        foreach (var stale in identity.FindAll(OrbitClaims.Role).ToList())
        {
            identity.RemoveClaim(stale);
        }

        identity.AddClaims(state.Roles.Select(role => new Claim(OrbitClaims.Role, role)));
        // Only access tokens from sign-in or refresh get here: an interactive session (CredentialRules).
        identity.AddClaim(new Claim(OrbitClaims.Credential, OrbitCredentials.Session));
        return true;
    }

    /// <summary>The token's <c>iat</c>; every access token Orbit issues has one, and one without it is refused.</summary>
    public static DateTimeOffset? IssuedAt(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(OrbitClaims.IssuedAt), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}
