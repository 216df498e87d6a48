using FluentValidation;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orbit.Modules.Audit.Authorization;
using Orbit.Modules.Audit.Recording;
using Orbit.Shared.Authorization;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Modules;

namespace Orbit.Modules.Audit;

/// <summary>
/// The audit trail: every integration event, appended to a hash chain, and the activity, admin audit and change-feed
/// reads over it. It publishes nothing and reads no other schema.
/// </summary>
internal sealed class AuditModule : IModule
{
    public const string SchemaName = "audit";

    public string Name => "Audit";

    public string Schema => SchemaName;

    public bool ConsumesEvents => true;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatorsFromAssemblyContaining<AuditModule>(includeInternalTypes: true);
        services.AddScoped<IIntegrationEventSubscriber, AuditSubscriber>();
        services.AddSingleton<AppendSignal>();

        services.AddScoped(typeof(IRequestAuthorizer<>), typeof(ProjectActivityAuthorizer<>));
        services.AddScoped(typeof(IRequestAuthorizer<>), typeof(TaskActivityAuthorizer<>));
    }

    public void MapEndpoints(IEndpointRouteBuilder api) => api.MapEndpointsOf(typeof(AuditModule).Assembly);
}
