using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Orbit.Host.Composition;
using Orbit.Host.Database;
using Orbit.Host.Development;
using Orbit.Host.Http;
using Orbit.Host.OpenApi;
using Orbit.Host.Telemetry;
using Orbit.Host.WebApp;
using Orbit.Host;
using Orbit.Host.Caching;
using Orbit.Host.ClientTelemetry;
using Orbit.Shared.Authorization;
using Orbit.Shared.Data;
using Orbit.Shared.Data.Migrations;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Messaging;
using Scalar.AspNetCore;

if (args.Contains("healthcheck"))
{
    // The container's HEALTHCHECK: the runtime image has no curl, so the host probes itself.
    return await ContainerHealthCheck.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppFolder.ContentRoot(args) });
var localDevelopment = LocalDevelopment.Applies(builder) ? await LocalDevelopment.PrepareAsync(builder) : null;

builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = RequestBodyLimitMiddleware.MaxBodyBytes;
});
builder.AddOrbitTelemetry();
builder.AddManagementPort();

var services = builder.Services;
services.AddSingleton(TimeProvider.System);
// On SIGTERM Kestrel stops accepting, in-flight requests and the relay's current batch finish, then the process
// exits; whatever is still running after this long is abandoned (the outbox redelivers it on the next start).
services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDocuments.Complete);
services.AddExceptionHandler<UnhandledExceptionHandler>();
services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
services.ConfigureHttpJsonOptions(options =>
{
    // Unknown properties are usually typos: reject them rather than silently ignore them.
    options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    // Numbers are numbers: the web defaults also read "12" as 12, which the OpenAPI description then has to show as
    // integer-or-string. No client needs it, and a number sent as a string is more likely a bug than intent.
    options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
    options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    // The one timestamp format of the API, the change feed and webhooks (UTC, milliseconds, Z).
    options.SerializerOptions.Converters.Add(new UtcTimestamp.DateTimeConverter());
});

services.AddOrbitDatabase();
services.AddCurrentUser();
services.AddOrbitCaching(builder.Configuration);
services.AddMediator(options =>
{
    options.ServiceLifetime = ServiceLifetime.Scoped;
    // Order matters: telemetry around everything, validation before any work, the transaction innermost.
    options.PipelineBehaviors =
    [
        typeof(LoggingBehavior<,>),
        typeof(ValidationBehavior<,>),
        typeof(AuthorizationBehavior<,>),
        typeof(TransactionBehavior<,>),
    ];
});
foreach (var module in OrbitModules.All)
{
    services.AddSingleton(module);
    module.AddServices(services, builder.Configuration);
}

services.AddOptions<OutboxRelayOptions>().BindConfiguration(OutboxRelayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
services.AddSingleton<OutboxPublishers>();
services.AddHostedService<OutboxRelay>();
services.AddOptions<HousekeepingOptions>().BindConfiguration(HousekeepingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
services.AddSingleton<Housekeeping>();
services.AddHostedService(sp => sp.GetRequiredService<Housekeeping>());

services.AddAuthorizationBuilder()
    .AddPolicy(OrbitPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(OrbitClaims.AdminRole));
services.AddOrbitRateLimiting();
services.AddHealthChecks()
    .AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"])
    .AddCheck<MigrationsHealthCheck>("migrations", tags: ["ready"]);
services.AddOrbitOpenApi();

var app = builder.Build();

// Options are validated before anything touches the database, so a missing setting fails with its own name.
app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
var migrator = app.Services.GetRequiredService<DatabaseMigrator>();
await migrator.MigrateAsync(OrbitModules.All.Select(ModuleMigrations.Of));
app.Services.GetRequiredService<MigrationState>().Applied = true;
if (args.Contains("migrate"))
{
    // Deployment pipelines run the migrations as their own step and exit.
    return 0;
}

localDevelopment?.Attach(app);

app.UseMiddleware<CorrelationIdMiddleware>();
app.UseMiddleware<RequestLoggingMiddleware>();
app.UseMiddleware<SecurityHeadersMiddleware>();
app.UseManagementPort();
app.UseExceptionHandler();
// The framework's bare answers (401 and 403 challenges, 404, 405) become problem documents whatever the request's
// Accept says: the problem details service alone would fall back to text/plain for Accept: text/html.
app.UseStatusCodePages(status => ApiResults.WriteProblemAsync(status.HttpContext, new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status.HttpContext.Response.StatusCode }));
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseOrbitWebApp();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.UseMiddleware<InputTextMiddleware>();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapOpenApi("/openapi/{documentName}.json");
app.MapScalarApiReference("/scalar", options => options.WithTitle("Orbit API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
if (app.Configuration.GetValue("Telemetry:PrometheusEnabled", true))
{
    app.MapPrometheusScrapingEndpoint("/metrics");
}

// CredentialRules: what a personal access token's scope allows, and which endpoints need an interactive session;
// then InputTextFilter refuses NUL and invalid Unicode in query, route and header values.
var api = app.MapGroup("/api/v1")
    .RequireRateLimiting(OrbitPolicies.ApiRateLimit)
    .RequireCredentialRules()
    .AddEndpointFilterFactory(InputTextFilter.Create);
foreach (var module in OrbitModules.All)
{
    module.MapEndpoints(api);
}

api.MapOutboxAdministration();
api.MapClientEvents();

await app.RunAsync();
return 0;

/// <summary>Public so that integration tests can host the real application with WebApplicationFactory.</summary>
public partial class Program;
