using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Orbit.Shared.Http;

namespace Orbit.Host.OpenApi;

internal static class OpenApiServiceCollectionExtensions
{
    private const string BearerScheme = "Bearer";

    /// <summary>
    /// One OpenAPI 3.1 document for API v1. Authorization is derived from endpoint metadata in one place: every
    /// endpoint that requires it gets the bearer requirement and its 401 (and 403 for policies) responses, so no
    /// endpoint can forget to document it.
    /// </summary>
    public static IServiceCollection AddOrbitOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Orbit API";
                document.Info.Version = "v1";
                document.Info.Description = "Team work tracking: projects, members, tasks, comments, activity, notifications and webhooks. " +
                    "Errors are RFC 9457 problem documents. Sign in with POST /api/v1/auth/login, then send `Authorization: Bearer <accessToken>` " +
                    "(or a personal access token).";
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
            });
            options.AddDocumentTransformer<EventSchemas>();
            options.AddDocumentTransformer<WebhookDocumentation>();
            options.AddOperationTransformer<ServerSentEventsDocumentation>();
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<Idempotency.IdempotentEndpointMetadata>().Any())
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = Idempotency.HeaderName,
                        In = ParameterLocation.Header,
                        Description = "Optional. The same key from the same user within 24 h replays the first response instead of creating again.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 },
                    });
                }

                if (metadata.OfType<Versioning.IfMatchMetadata>().Any())
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = "If-Match",
                        In = ParameterLocation.Header,
                        Description = "Optional. The ETag (version) last read, e.g. \"3\"; when it is stale the request gets 412 and changes nothing.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    });
                }
                if (metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any())
                {
                    return Task.CompletedTask;
                }

                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                });
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid credentials (problem document)." });
                if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
                {
                    operation.Responses.TryAdd("403", new OpenApiResponse { Description = "Authenticated, but the role is too low (problem document)." });
                }

                return Task.CompletedTask;
            });
        });
        return services;
    }
}
