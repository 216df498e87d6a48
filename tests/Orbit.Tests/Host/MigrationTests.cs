using DbUp.Engine;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orbit.Host.Composition;
using Orbit.Shared.Data.Migrations;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Host;

public sealed class MigrationTests
{
    private static IReadOnlyList<ModuleMigrations> AllModules() => OrbitModules.All.Select(ModuleMigrations.Of).ToList();

    private static DatabaseMigrator MigratorFor(string connectionString) => new(connectionString, NullLogger<DatabaseMigrator>.Instance);

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Test]
    public void Every_module_ships_its_scripts_in_name_order()
    {
        foreach (var module in AllModules())
        {
            Assert.That(module.Scripts, Is.Not.Empty, $"{module.Module} has migrations");
            Assert.That(module.Scripts.Select(s => s.Name), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
            Assert.That(module.Scripts.Select(s => s.Name), Has.All.Match(@"^\d{4}_[a-z0-9_]+\.sql$"));
        }
    }

    [Test]
    public async Task A_fresh_database_gets_every_schema_and_a_journal_per_module()
    {
        var database = await TestPostgres.CreateDatabaseAsync("fresh");

        await MigratorFor(database).MigrateAsync(AllModules());

        foreach (var module in AllModules())
        {
            var journaled = await ScalarAsync(database, $"select count(*) from \"{module.Schema}\".schema_versions");
            Assert.That(journaled, Is.EqualTo(module.Scripts.Count), $"{module.Module}'s journal lists each script once");
        }

        Assert.That(await ScalarAsync(database, "select count(*) from information_schema.tables where table_schema = 'identity' and table_name = 'users'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Migrating_an_up_to_date_database_changes_nothing()
    {
        var database = await TestPostgres.CreateDatabaseAsync("again");
        await MigratorFor(database).MigrateAsync(AllModules());
        var before = await ScalarAsync(database, "select count(*) from identity.schema_versions");

        await MigratorFor(database).MigrateAsync(AllModules());

        Assert.That(await ScalarAsync(database, "select count(*) from identity.schema_versions"), Is.EqualTo(before));
    }

    [Test]
    public async Task Two_hosts_migrating_at_once_apply_each_script_once()
    {
        var database = await TestPostgres.CreateDatabaseAsync("race");

        await Task.WhenAll(
            Task.Run(() => MigratorFor(database).MigrateAsync(AllModules())),
            Task.Run(() => MigratorFor(database).MigrateAsync(AllModules())),
            Task.Run(() => MigratorFor(database).MigrateAsync(AllModules())));

        foreach (var module in AllModules())
        {
            var journaled = await ScalarAsync(database, $"select count(*) from \"{module.Schema}\".schema_versions");
            Assert.That(journaled, Is.EqualTo(module.Scripts.Count));
        }
    }

    [Test]
    public async Task A_failing_script_stops_with_its_name_and_the_database_message_and_keeps_earlier_work()
    {
        var database = await TestPostgres.CreateDatabaseAsync("broken");
        var broken = new ModuleMigrations("Broken", "broken",
        [
            new SqlScript("0001_good.sql", "create table broken.things (id int primary key);"),
            new SqlScript("0002_bad.sql", "create table broken.others (id int primary key, oops no_such_type);"),
        ]);

        var failure = Assert.ThrowsAsync<MigrationFailedException>(() => MigratorFor(database).MigrateAsync([broken]));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Script, Is.EqualTo("0002_bad.sql"));
            Assert.That(failure.Message, Does.Contain("0002_bad.sql").And.Contain("no_such_type"));
        });
        Assert.That(await ScalarAsync(database, "select count(*) from broken.schema_versions"), Is.EqualTo(1));
        Assert.That(await ScalarAsync(database, "select count(*) from information_schema.tables where table_schema = 'broken' and table_name = 'others'"), Is.Zero,
            "the failed script left nothing behind");
    }
}
