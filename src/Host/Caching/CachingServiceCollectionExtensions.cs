using Microsoft.Extensions.Caching.Hybrid;

namespace Orbit.Host.Caching;

internal static class CachingServiceCollectionExtensions
{
    /// <summary>
    /// How long an entry lives in each level. Another instance may serve a pre-change answer for up to this long
    /// in-process only; with Redis it may reload the pre-change copy from Redis just before that copy expires, so the
    /// bound there is twice this (about a minute). The instance that made the change evicts at once.
    /// </summary>
    public static readonly TimeSpan LocalLifetime = TimeSpan.FromSeconds(30);

    /// <summary>
    /// HybridCache for hot, rarely-changing reads (project membership, user names): in-process by default, with Redis
    /// as the shared second level when <c>ConnectionStrings:Redis</c> is set. Modules evict by tag on the instance that
    /// made a change; other instances converge within <see cref="LocalLifetime"/> (twice that with Redis).
    /// </summary>
    public static IServiceCollection AddOrbitCaching(this IServiceCollection services, IConfiguration configuration)
    {
        var redis = configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(redis))
        {
            services.AddStackExchangeRedisCache(options =>
            {
                options.Configuration = redis;
                options.InstanceName = "orbit:";
            });
        }

        services.AddHybridCache(options =>
        {
            options.DefaultEntryOptions = new HybridCacheEntryOptions
            {
                Expiration = LocalLifetime,
                LocalCacheExpiration = LocalLifetime,
            };
        });
        return services;
    }
}
