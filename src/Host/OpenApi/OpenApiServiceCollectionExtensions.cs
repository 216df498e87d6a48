namespace Orbit.Host.OpenApi;

internal static class OpenApiServiceCollectionExtensions
{
    /// <summary>
    /// One OpenAPI 3.1 document for API v1, and the single place its transformers are registered: each derives one
    /// aspect of the contract from the code (types, endpoint metadata, validators), so no endpoint can forget it.
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
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer<ClrTypeSchemaTransformer>();
            options.AddOperationTransformer<SecurityRequirementTransformer>().AddDocumentTransformer<SecurityRequirementTransformer>();
            options.AddOperationTransformer<ProblemResponsesTransformer>().AddDocumentTransformer<ProblemResponsesTransformer>();
            options.AddOperationTransformer<HttpHeadersTransformer>().AddDocumentTransformer<HttpHeadersTransformer>();
            options.AddOperationTransformer<AcceptedBodyTransformer>();
            options.AddDocumentTransformer<ValidationRulesTransformer>();
        });
        return services;
    }
}
