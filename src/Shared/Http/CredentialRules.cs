using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authorization;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Shared.Http;

/// <summary>
/// The one place that decides what a credential may do beyond who the user is (docs/operations.md, "Sessions and
/// tokens"): a <c>read</c> personal access token may only GET and HEAD, and an endpoint marked with
/// <see cref="RequireInteractiveSession{TBuilder}"/> (managing tokens, account security) takes only an access token
/// from sign-in, never a personal access token, so a leaked token cannot mint tokens that outlive its revocation.
/// The host applies it to every endpoint of the API group, so a new endpoint cannot forget it.
/// </summary>
public static class CredentialRules
{
    public static readonly Error InsufficientScope = Error.Forbidden(
        "auth.insufficient_scope", "This personal access token is read-only (scope read): it may only GET and HEAD. Use a read-write token.");

    public static readonly Error InteractiveSessionRequired = Error.Forbidden(
        "auth.interactive_session_required", "This needs an access token from signing in; a personal access token cannot manage tokens or account security.");

    /// <summary>Endpoint metadata: only an interactive session (an access token from sign-in or refresh) may call it.</summary>
    public sealed class InteractiveSessionMetadata;

    public static TBuilder RequireInteractiveSession<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new InteractiveSessionMetadata());

    /// <summary>Whether a request with this method changes something (anything but GET, HEAD and OPTIONS).</summary>
    public static bool IsWrite(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));

    /// <summary>Null when the caller's credential may make this request; otherwise the refusal.</summary>
    public static Error? Check(ClaimsPrincipal user, string method, EndpointMetadataCollection? metadata)
    {
        if (user.Identity?.IsAuthenticated != true || metadata?.GetMetadata<IAllowAnonymous>() is not null)
        {
            return null;
        }

        var credential = user.FindFirstValue(OrbitClaims.Credential);
        if (metadata?.GetMetadata<InteractiveSessionMetadata>() is not null && credential != OrbitCredentials.Session)
        {
            return InteractiveSessionRequired;
        }

        // Sessions may do whatever the user may; a token needs read-write for a write. Anything unexpected is read-only.
        if (credential != OrbitCredentials.Session && IsWrite(method) && user.FindFirstValue(OrbitClaims.Scope) != TokenScopes.ReadWrite)
        {
            return InsufficientScope;
        }

        return null;
    }

    /// <summary>Applies <see cref="Check"/> to every endpoint of a group (the host's <c>/api/v1</c>).</summary>
    public static TBuilder RequireCredentialRules<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            return Check(http.User, http.Request.Method, http.GetEndpoint()?.Metadata) is { } refusal
                ? ApiResults.Problem(refusal)
                : await next(context);
        });
}
