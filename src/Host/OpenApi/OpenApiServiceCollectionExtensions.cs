using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Orbit.Host.OpenApi;

internal static class OpenApiServiceCollectionExtensions
{
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Authentication"] = "Registration, sign-in, refresh-token rotation and sign-out.",
        ["Users"] = "The signed-in user.",
        ["Personal access tokens"] = "Long-lived tokens for scripts and integrations.",
        ["Administration"] = "User administration, the audit trail and the outbox (administrators only).",
        ["Projects"] = "Projects, their members and roles (viewer < member < maintainer < owner).",
        ["Tasks"] = "Tasks with per-project keys (ABC-42), filters, search and keyset lists.",
        ["Comments"] = "Comments on tasks.",
        ["Activity"] = "Task and project activity, and the per-project change feed.",
        ["Notifications"] = "In-app notifications of the signed-in user.",
        ["Webhooks"] = "Signed webhooks of a project, their deliveries and redelivery.",
    };

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
                // Relative, so the document is the same wherever it is served (local, staging or production) and a
                // client calls the host it read the document from.
                document.Servers = [new OpenApiServer
                {
                    Url = "/",
                    Description = "The host serving this document: local, staging or production alike.",
                    Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(JsonValue.Create(false)) },
                }];
                foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
                {
                    tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name!);
                }

                return Task.CompletedTask;
            });
            options.AddSchemaTransformer<ClrTypeSchemaTransformer>();
            options.AddOperationTransformer<SecurityRequirementTransformer>().AddDocumentTransformer<SecurityRequirementTransformer>();
            options.AddOperationTransformer<ProblemResponsesTransformer>().AddDocumentTransformer<ProblemResponsesTransformer>();
            options.AddOperationTransformer<HttpHeadersTransformer>().AddDocumentTransformer<HttpHeadersTransformer>();
            options.AddOperationTransformer<AcceptedBodyTransformer>();
            options.AddDocumentTransformer<EventSchemas>();
            options.AddDocumentTransformer<WebhookDocumentation>();
            options.AddOperationTransformer<ServerSentEventsDocumentation>();
            options.AddDocumentTransformer<ValidationRulesTransformer>();
            options.AddDocumentTransformer<AcceptedBodyTransformer>();
        });
        return services;
    }
}
