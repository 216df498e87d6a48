using Npgsql;
using Orbit.Shared.Data;
using Orbit.Shared.Data.Migrations;
using Orbit.Shared.Events;

namespace Orbit.Host.Database;

internal static class DatabaseServiceCollectionExtensions
{
    /// <summary>Connections must fail fast when PostgreSQL is gone: a request answers 503 rather than hanging.</summary>
    private const int DefaultConnectTimeoutSeconds = 5;

    /// <summary>The <c>db.client.connection.pool.name</c> of Orbit's one pool.</summary>
    public const string PoolName = "orbit";

    /// <summary>The outbox relay's pool (<see cref="OutboxRelay.DataSourceKey"/>): its name in metrics and in pg_stat_activity.</summary>
    public const string RelayPoolName = "orbit-relay";

    /// <summary>
    /// Requests keep a plan made for their parameters on every run, prepared or not: left to itself PostgreSQL switches a
    /// prepared statement to one generic plan after five runs, and the generic plan of a full-text search reads the
    /// whole project for a rare word (1.7 s against 0.3 s on the bench's 1M tasks).
    /// </summary>
    private static readonly (string Name, string Value)[] RequestSettings = [("plan_cache_mode", "force_custom_plan")];

    /// <summary>
    /// The relay keeps PostgreSQL's plan choice (its statements have one good plan whatever their parameters, so generic
    /// plans spare it planning), but only walks indexes in their order: the delivery and inbox tables are queues, often
    /// vacuumed and analysed when empty (and then recorded as holding no rows in the pages they still have), and plans
    /// made from that picture read the whole queue to find a few rows. A sequential scan made the completion mark take
    /// 13.9 ms per batch against 0.9 ms with its index; a bitmap scan of every pending delivery, sorted, made each claim
    /// take 3.7 ms (14,000 pending) against 0.4 ms walking <c>outbox_deliveries_pending</c> to its limit, and the relay's
    /// PostgreSQL CPU per create went from 0.13 to 2 ms, so the backlog grew and every claim got slower. Every relay
    /// statement is written for a plain index scan.
    /// </summary>
    private static readonly (string Name, string Value)[] RelaySettings = [("enable_seqscan", "off"), ("enable_bitmapscan", "off")];

    /// <summary>Statements kept prepared per connection: Orbit has fewer distinct statements than this that run often.</summary>
    private const int DefaultMaxAutoPrepare = 128;

    public static IServiceCollection AddOrbitDatabase(this IServiceCollection services)
    {
        // Configuration is resolved from the container, not captured here, so that every source (including a test
        // host's overrides, which are added after this runs) is seen.
        services.AddOptions<DatabaseOptions>()
            .Configure<IConfiguration>((o, config) => o.ConnectionString = config.GetConnectionString("Postgres") ?? "")
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton(sp => Build(sp, PoolName, ConnectionStringOf(sp.GetRequiredService<IConfiguration>(), "orbit", RequestSettings)));
        // The outbox relay's own pool: its loops keep their connections for the life of the host, and its statements
        // (and its consumers') keep one shape whatever their parameters, so PostgreSQL's generic plans suit them.
        services.AddKeyedSingleton(OutboxRelay.DataSourceKey, (sp, _) =>
            Build(sp, RelayPoolName, ConnectionStringOf(sp.GetRequiredService<IConfiguration>(), RelayPoolName, RelaySettings)));
        services.AddDbSession();
        services.AddSingleton(sp => new DatabaseMigrator(ConnectionStringOf(sp.GetRequiredService<IConfiguration>(), "orbit", []), sp.GetRequiredService<ILogger<DatabaseMigrator>>()));
        services.AddSingleton<MigrationState>();
        return services;
    }

    private static NpgsqlDataSource Build(IServiceProvider services, string name, string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString).UseLoggerFactory(services.GetRequiredService<ILoggerFactory>());
        // The pool's name labels Npgsql's metrics and traces; unnamed, Npgsql uses the connection string (host,
        // database and user included), which /metrics would then show to whoever can read it.
        builder.Name = name;
        return builder.Build();
    }

    private static string ConnectionStringOf(IConfiguration configuration, string applicationName, IReadOnlyList<(string Name, string Value)> settings)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Postgres"));
        if (!IsSet(builder, "Timeout"))
        {
            builder.Timeout = DefaultConnectTimeoutSeconds;
        }

        // Statements are prepared on each connection once used a few times (Npgsql's automatic preparation): PostgreSQL
        // then skips parsing and analysis on every later run. Measured: the relay's statements, which took longer to
        // plan than to run, cost a fraction; GET by key is unchanged within noise (bench/README.md).
        if (!IsSet(builder, "Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        // Session settings each pool's connections start with (RequestSettings, RelaySettings), unless the connection
        // string's own Options already names them.
        foreach (var (name, value) in settings)
        {
            if (builder.Options?.Contains(name, StringComparison.Ordinal) != true)
            {
                builder.Options = string.Join(' ', new[] { builder.Options, $"-c {name}={value}" }.Where(o => !string.IsNullOrWhiteSpace(o)));
            }
        }

        // A connection going back to the pool is not reset (no DISCARD ALL on its next use): Orbit leaves no session
        // state on pooled connections. Transactions are rolled back by Npgsql anyway; settings are SET LOCAL /
        // set_config(..., true); advisory locks are transaction-scoped; only the two LISTEN connections (outbox relay,
        // cache evictions) hold session state, and they keep their connection for the life of the host
        // (docs/operations.md, "Performance").
        if (!IsSet(builder, "No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        builder.ApplicationName ??= applicationName;
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