using Microsoft.Extensions.DependencyInjection;

namespace Orbit.Shared.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers the scoped session and unit of work; the host registers the <c>NpgsqlDataSource</c>.</summary>
    public static IServiceCollection AddDbSession(this IServiceCollection services)
    {
        services.AddScoped<DbSession>();
        services.AddScoped<IDbSession>(sp => sp.GetRequiredService<DbSession>());
        services.AddScoped<IUnitOfWork>(sp => sp.GetRequiredService<DbSession>());
        services.AddScoped<Events.Outbox>();
        return services;
    }
}
