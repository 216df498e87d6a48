using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Orbit.Shared.Caching;

/// <summary>
/// Holds one connection per instance that <c>LISTEN</c>s for cache evictions and applies them locally. Losing the
/// connection means evictions may be missed: caches stop keeping anything (<see cref="CacheEvictionHub"/>) and
/// forget what they hold until the listener is back, and then start afresh.
/// </summary>
internal sealed class CacheEvictionListener(
    NpgsqlDataSource dataSource, CacheEvictionHub hub, LocalCacheEvictions local, ILogger<CacheEvictionListener> logger) : BackgroundService
{
    // A silent connection is pinged this often, so a dead one (no FIN from a crashed server) is noticed.
    private static readonly TimeSpan PingAfter = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    public const string ApplicationName = "orbit cache evictions";

    private void Apply(string payload)
    {
        var space = payload.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            local.Evict(payload);
        }
        else if (!payload.AsSpan(0, space).SequenceEqual(hub.InstanceId))
        {
            local.Evict(payload[(space + 1)..]);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retryDelay = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                await using var forget = new SessionStateForgetter(connection);
                connection.Notification += (_, notification) => Apply(notification.Payload);
                // Named, so that operators (and the tests) can tell this connection apart in pg_stat_activity.
                await using (var listen = new NpgsqlCommand($"set application_name = '{ApplicationName}'; listen {CacheEvictionHub.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                local.Reset();
                hub.Listening();
                retryDelay = TimeSpan.FromMilliseconds(100);
                logger.LogDebug("Listening for cache evictions");
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(PingAfter, stoppingToken))
                    {
                        await using var ping = new NpgsqlCommand("select 1", connection);
                        await ping.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Lost the cache eviction listener; caches are bypassed until it is back");
            }
            finally
            {
                hub.NotListening();
                local.Reset();
            }

            try
            {
                await Task.Delay(retryDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }
}

/// <summary>
/// The pool does not reset connections (No Reset On Close, src/Host/Database): a listener connection that goes back
/// to it still healthy (an error that did not break it, or shutdown) first drops its LISTEN and its name, so the next
/// request that borrows it has neither.
/// </summary>
internal sealed class SessionStateForgetter(NpgsqlConnection connection) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var reset = new NpgsqlCommand("unlisten *; reset application_name", connection);
            reset.CommandTimeout = 2;
            await reset.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // Broken after all: the pool discards a broken connection, state and all.
        }
    }
}
