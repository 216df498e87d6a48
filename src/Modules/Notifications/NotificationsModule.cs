using FluentValidation;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orbit.Modules.Notifications.InApp;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Modules;

namespace Orbit.Modules.Notifications;

/// <summary>In-app notifications of the signed-in user, made from task events. Webhooks are a module of their own (ADR 0012).</summary>
internal sealed class NotificationsModule : IModule
{
    public const string SchemaName = "notifications";

    public string Name => "Notifications";

    public string Schema => SchemaName;

    public bool ConsumesEvents => true;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatorsFromAssemblyContaining<NotificationsModule>(includeInternalTypes: true);

        // Runs in the relay's scope and transaction (see IIntegrationEventSubscriber).
        services.AddScoped<IIntegrationEventSubscriber, NotificationSubscriber>();
    }

    public void MapEndpoints(IEndpointRouteBuilder api) => api.MapEndpointsOf(typeof(NotificationsModule).Assembly);
}
