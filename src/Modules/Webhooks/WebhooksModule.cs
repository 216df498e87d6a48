using FluentValidation;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orbit.Modules.Webhooks.Authorization;
using Orbit.Shared.Authorization;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Modules;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// Signed webhooks of a project: registration, the "webhooks" consumer that turns every project event into pending
/// deliveries, and the dispatcher that sends them. It was part of Notifications until ADR 0012.
/// </summary>
internal sealed class WebhooksModule : IModule
{
    public const string SchemaName = "webhooks";

    public string Name => "Webhooks";

    public string Schema => SchemaName;

    public bool ConsumesEvents => true;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatorsFromAssemblyContaining<WebhooksModule>(includeInternalTypes: true);
        // The section keeps its name from the time webhooks were part of Notifications: deployments set Webhooks__*.
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>>(provider => new WebhookOptionsValidator(provider.GetRequiredService<IHostEnvironment>()));

        // Runs in the relay's scope and transaction (see IIntegrationEventSubscriber).
        services.AddScoped<IIntegrationEventSubscriber, WebhookEventSubscriber>();

        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookDispatchSignal>();
        services.AddSingleton<IWebhookHostResolver, DnsWebhookHostResolver>();
        services.AddSingleton<WebhookDestinationGuard>();
        services.AddSingleton<WebhookSender>();
        services.AddWebhookHttpClient();
        services.AddHostedService<WebhookDispatcher>();
        services.AddHostedService<WebhookSecretReencryption>();

        services.AddScoped(typeof(IRequestAuthorizer<>), typeof(ProjectWebhooksAuthorizer<>));
        services.AddScoped(typeof(IRequestAuthorizer<>), typeof(WebhookAuthorizer<>));
    }

    public void MapEndpoints(IEndpointRouteBuilder api) => api.MapEndpointsOf(typeof(WebhooksModule).Assembly);
}
