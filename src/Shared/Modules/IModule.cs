using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Orbit.Shared.Modules;

/// <summary>
/// The one contract between the host and a module. The host loops over its modules and calls these; it knows
/// nothing else about them. Migration scripts are embedded in the module's assembly as <c>migrations/*.sql</c>.
/// </summary>
public interface IModule
{
    /// <summary>Human name, used for logs and telemetry tags (<c>Identity</c>).</summary>
    string Name { get; }

    /// <summary>The PostgreSQL schema the module owns; its SQL touches no other.</summary>
    string Schema { get; }

    /// <summary>
    /// Whether the module writes integration events to an outbox. The migrator then gives its schema the outbox and
    /// delivery tables whose shape <c>src/Shared/Events</c> owns, and the relay delivers from them.
    /// </summary>
    bool PublishesEvents => false;

    /// <summary>Whether the module consumes integration events; the migrator then gives its schema the inbox table.</summary>
    bool ConsumesEvents => false;

    /// <summary>
    /// Whether the module keeps <c>Idempotency-Key</c>s (<c>&lt;schema&gt;.idempotency_keys</c>, used by endpoints marked
    /// <c>WithIdempotency</c>); housekeeping then deletes the expired ones.
    /// </summary>
    bool KeepsIdempotencyKeys => false;

    void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Maps the module's endpoints onto the versioned API group (<c>/api/v1</c>).</summary>
    void MapEndpoints(IEndpointRouteBuilder api);
}
