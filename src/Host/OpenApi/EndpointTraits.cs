using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Orbit.Shared.Http;

namespace Orbit.Host.OpenApi;

/// <summary>
/// What an endpoint's metadata says about the answers it can give, read in one place so that every transformer
/// derives statuses and headers the same way, for endpoints that exist today and for those added later.
/// </summary>
internal sealed record EndpointTraits(
    bool RequiresAuthentication,
    bool RequiresPolicy,
    bool HasBody,
    bool HasInput,
    bool HasPathParameters,
    bool HonoursIfMatch,
    bool HonoursIdempotencyKey,
    bool IsRateLimited,
    bool IsApi)
{
    public static EndpointTraits Of(OpenApiOperationTransformerContext context)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var parameters = description.ParameterDescriptions;
        var hasBody = parameters.Any(p => p.Source == BindingSource.Body) || metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>().Any();
        var ifMatch = metadata.OfType<Versioning.IfMatchMetadata>().Any();
        var idempotent = metadata.OfType<Idempotency.IdempotentEndpointMetadata>().Any();
        var authenticated = !anonymous && authorize.Count > 0;
        // CredentialRules: a read-only personal access token is refused any write, and a token any interactive-only endpoint (403).
        var credentialRestricted = authenticated && (CredentialRules.IsWrite(description.HttpMethod ?? "GET")
            || metadata.OfType<CredentialRules.InteractiveSessionMetadata>().Any());
        return new EndpointTraits(
            RequiresAuthentication: authenticated,
            RequiresPolicy: (!anonymous && authorize.Any(a => a.Policy is not null || a.Roles is not null)) || credentialRestricted,
            HasBody: hasBody,
            HasInput: hasBody || ifMatch || idempotent || parameters.Any(p => p.Source == BindingSource.Query || p.Source == BindingSource.Header),
            HasPathParameters: parameters.Any(p => p.Source == BindingSource.Path),
            HonoursIfMatch: ifMatch,
            HonoursIdempotencyKey: idempotent,
            IsRateLimited: metadata.OfType<EnableRateLimitingAttribute>().Any(),
            IsApi: description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true);
    }
}
