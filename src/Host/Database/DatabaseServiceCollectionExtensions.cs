using Npgsql;
using Orbit.Shared.Data;
using Orbit.Shared.Data.Migrations;

namespace Orbit.Host.Database;

internal static class DatabaseServiceCollectionExtensions
{
    /// <summary>Connections must fail fast when PostgreSQL is gone: a request answers 503 rather than hanging.</summary>
    private const int DefaultConnectTimeoutSeconds = 5;

    /// <summary>The <c>db.client.connection.pool.name</c> of Orbit's one pool.</summary>
    public const string PoolName = "orbit";

    public static IServiceCollection AddOrbitDatabase(this IServiceCollection services)
    {
        // Configuration is resolved from the container, not captured here, so that every source (including a test
        // host's overrides, which are added after this runs) is seen.
        services.AddOptions<DatabaseOptions>()
            .Configure<IConfiguration>((o, config) => o.ConnectionString = config.GetConnectionString("Postgres") ?? "")
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var builder = new NpgsqlDataSourceBuilder(ConnectionStringOf(sp.GetRequiredService<IConfiguration>()))
                .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            // The pool's name labels Npgsql's metrics and traces; unnamed, Npgsql uses the connection string (host,
            // database and user included), which /metrics would then show to whoever can read it.
            builder.Name = PoolName;
            return builder.Build();
        });
        services.AddDbSession();
        services.AddSingleton(sp => new DatabaseMigrator(ConnectionStringOf(sp.GetRequiredService<IConfiguration>()), sp.GetRequiredService<ILogger<DatabaseMigrator>>()));
        services.AddSingleton<MigrationState>();
        return services;
    }

    private static string ConnectionStringOf(IConfiguration configuration)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Postgres"));
        if (!builder.ContainsKey("Timeout"))
        {
            builder.Timeout = DefaultConnectTimeoutSeconds;
        }

        builder.ApplicationName ??= "orbit";
        return builder.ConnectionString;
    }
}

/// <summary>Whether this host has brought the schemas up to date; readiness waits for it.</summary>
internal sealed class MigrationState
{
    public bool Applied { get; set; }
}
