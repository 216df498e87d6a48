using FluentValidation;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orbit.Modules.Notifications.Authorization;
using Orbit.Modules.Notifications.InApp;
using Orbit.Modules.Notifications.Webhooks;
using Orbit.Shared.Authorization;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Modules;

namespace Orbit.Modules.Notifications;

internal sealed class NotificationsModule : IModule
{
    public const string SchemaName = "notifications";

    public string Name => "Notifications";

    public string Schema => SchemaName;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatorsFromAssemblyContaining<NotificationsModule>(includeInternalTypes: true);
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>>(provider => new WebhookOptionsValidator(provider.GetRequiredService<IHostEnvironment>()));

        // Both consumers run in the relay's scope and transaction (see IIntegrationEventSubscriber).
        services.AddScoped<IIntegrationEventSubscriber, NotificationSubscriber>();
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

    public void MapEndpoints(IEndpointRouteBuilder api) => api.MapEndpointsOf(typeof(NotificationsModule).Assembly);
}
