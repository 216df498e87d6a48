using Microsoft.Extensions.Caching.Hybrid;
using Orbit.Shared.Caching;

namespace Orbit.Host.Caching;

internal static class CachingServiceCollectionExtensions
{
    /// <summary>
    /// How long a HybridCache entry lives in each level. Evictions reach every instance through the broadcast
    /// (<see cref="ICacheEvictions"/>); this is the backstop for what HybridCache holds (user summaries, which
    /// are informational). With Redis, a copy may be reloaded from Redis for up to twice this.
    /// </summary>
    public static readonly TimeSpan LocalLifetime = TimeSpan.FromSeconds(30);

    /// <summary>
    /// HybridCache for hot, rarely-changing reads that are not access decisions (user names): in-process by default,
    /// with Redis as the shared second level when <c>ConnectionStrings:Redis</c> is set. And the eviction broadcast
    /// (PostgreSQL <c>LISTEN/NOTIFY</c>) that every cache of every instance hears, HybridCache included.
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
        services.AddCacheEvictions();
        services.AddSingleton<ICacheEvictionTarget, HybridCacheEvictionTarget>();
        return services;
    }
}

/// <summary>Passes broadcast evictions on to HybridCache (which, with Redis, also invalidates the tag there).</summary>
internal sealed class HybridCacheEvictionTarget(HybridCache cache, ILogger<HybridCacheEvictionTarget> logger) : ICacheEvictionTarget
{
    public void Evict(string tag) => Observe(cache.RemoveByTagAsync(tag));

    // "*" is HybridCache's wildcard tag: every entry.
    public void Reset() => Observe(cache.RemoveByTagAsync("*"));

    private void Observe(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }

        _ = ObserveAsync(pending.AsTask());
    }

    private async Task ObserveAsync(Task pending)
    {
        try
        {
            await pending;
        }
        catch (Exception exception)
        {
            // Redis unreachable: the local level is already evicted; the Redis copy expires on its own.
            logger.LogWarning(exception, "Could not evict a HybridCache tag from the distributed cache");
        }
    }
}
