using Microsoft.Extensions.DependencyInjection;

namespace Orbit.Shared.Caching;

public static class CacheEvictionServiceCollectionExtensions
{
    /// <summary>
    /// Cache evictions broadcast to every instance through PostgreSQL <c>LISTEN/NOTIFY</c>: the hub, the listener (a
    /// hosted service) and <see cref="ICacheEvictions"/>. Caches register themselves as <see cref="ICacheEvictionTarget"/>.
    /// </summary>
    public static IServiceCollection AddCacheEvictions(this IServiceCollection services)
    {
        services.AddSingleton<CacheEvictionHub>();
        services.AddSingleton<LocalCacheEvictions>();
        services.AddScoped<ICacheEvictions, CacheEvictions>();
        services.AddHostedService<CacheEvictionListener>();
        return services;
    }
}
