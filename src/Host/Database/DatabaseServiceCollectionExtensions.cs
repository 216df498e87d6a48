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
        if (!IsSet(builder, "Timeout"))
        {
            builder.Timeout = DefaultConnectTimeoutSeconds;
        }

        // No automatic preparation by default (Npgsql's default, Max Auto Prepare=0): measured, PostgreSQL's generic plan
        // of the task list's first and deep pages walks tasks_pkey again, as the custom plan did before the keyset lead
        // predicate (docs/operations.md, "Performance").

        // A connection going back to the pool is not reset (no DISCARD ALL on its next use): Orbit leaves no session
        // state on pooled connections. Transactions are rolled back by Npgsql anyway; settings are SET LOCAL /
        // set_config(..., true); advisory locks are transaction-scoped; only the two LISTEN connections (outbox relay,
        // cache evictions) hold session state, and they keep their connection for the life of the host
        // (docs/operations.md, "Performance").
        if (!IsSet(builder, "No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        builder.ApplicationName ??= "orbit";
        return builder.ConnectionString;
    }

    // Whether the connection string gives the setting. Not ContainsKey: Npgsql's builder answers true for every keyword
    // it knows, set or not (so the Timeout default above never applied before). Keys lists the set ones, by canonical
    // name whatever synonym the string used.
#pragma warning disable CA1841 // ContainsKey is exactly what is wrong here (above).
    private static bool IsSet(NpgsqlConnectionStringBuilder builder, string keyword) => builder.Keys.Contains(keyword);
#pragma warning restore CA1841
}

/// <summary>Whether this host has brought the schemas up to date; readiness waits for it.</summary>
internal sealed class MigrationState
{
    public bool Applied { get; set; }
}