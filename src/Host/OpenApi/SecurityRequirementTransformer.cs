using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Orbit.Host.OpenApi;

/// <summary>
/// The bearer scheme, and on each operation the requirement its metadata implies: the bearer token where the
/// endpoint requires authorization, an explicit empty <c>security: []</c> where it is anonymous.
/// </summary>
internal sealed class SecurityRequirementTransformer : IOpenApiOperationTransformer, IOpenApiDocumentTransformer
{
    private const string BearerScheme = "Bearer";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Security = EndpointTraits.Of(context).RequiresAuthentication
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }]
            : [];
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT or orbit_pat_ personal access token",
            Description = "An access token from /api/v1/auth/login, or a personal access token.",
        };
        return Task.CompletedTask;
    }
}
