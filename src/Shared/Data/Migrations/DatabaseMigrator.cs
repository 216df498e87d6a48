using DbUp;
using DbUp.Engine;
using DbUp.Postgresql;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Orbit.Shared.Data.Migrations;

public sealed class MigrationFailedException(string module, string script, Exception inner)
    : Exception($"Migration '{script}' of module {module} failed: {inner.Message}", inner)
{
    public string Module { get; } = module;

    public string Script { get; } = script;
}

/// <summary>
/// Brings every module's schema up to date with DbUp: each module gets its own schema and its own journal table
/// (<c>&lt;schema&gt;.schema_versions</c>). The whole run holds a PostgreSQL advisory lock, so hosts that start
/// together take turns and the later ones find nothing left to do.
/// </summary>
public sealed class DatabaseMigrator(string connectionString, ILogger<DatabaseMigrator> logger)
{
    // Any fixed bigint works; it only has to be the same for every Orbit host sharing the database.
    private const long AdvisoryLockKey = 0x0_0B17_0001;

    public async Task MigrateAsync(IEnumerable<ModuleMigrations> modules, CancellationToken cancellationToken = default)
    {
        // A named data source of its own: an unnamed pool is labelled with the connection string in Npgsql's metrics.
        await using var dataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = "orbit-migrations" }.Build();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("select pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            foreach (var module in modules)
            {
                await using (var schemaCommand = new NpgsqlCommand($"create schema if not exists \"{module.Schema}\"", connection))
                {
                    await schemaCommand.ExecuteNonQueryAsync(cancellationToken);
                }

                Upgrade(module, dataSource);
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("select pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", AdvisoryLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private void Upgrade(ModuleMigrations module, NpgsqlDataSource dataSource)
    {
        var engine = PostgresqlExtensions.PostgresqlDatabase(new PostgresqlConnectionManager(dataSource), module.Schema)
            .JournalToPostgresqlTable(module.Schema, "schema_versions")
            .WithScripts(module.Scripts)
            .WithTransactionPerScript()
            // Scripts are plain SQL: '$' in function bodies must not be read as DbUp variables.
            .WithVariablesDisabled()
            .LogTo(logger)
            .Build();

        var pending = engine.GetScriptsToExecute();
        if (pending.Count == 0)
        {
            logger.LogDebug("Schema {Schema} of {Module} is up to date", module.Schema, module.Module);
            return;
        }

        var result = engine.PerformUpgrade();
        if (!result.Successful)
        {
            throw new MigrationFailedException(module.Module, result.ErrorScript?.Name ?? "(unknown script)", result.Error);
        }

        logger.LogInformation("Applied {Count} migration(s) to schema {Schema} of {Module}", result.Scripts.Count(), module.Schema, module.Module);
    }
}
