using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orbit.Shared.Events;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Host;

/// <summary>
/// What the host's two pools give their connections when the connection string says nothing (docs/operations.md,
/// "Performance"): requests prepare what they repeat and plan every run for its parameters; the relay has a pool of its
/// own that keeps PostgreSQL's plan choice. Whatever the connection string does say wins.
/// </summary>
public sealed class ConnectionDefaultsTests
{
    [Test]
    public async Task Request_connections_prepare_what_they_repeat_and_plan_every_run_for_its_parameters()
    {
        var connections = TestPostgres.Api.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await connections.OpenConnectionAsync();

        Assert.That(await SettingAsync(connection, "plan_cache_mode"), Is.EqualTo("force_custom_plan"));
        Assert.That(await SettingAsync(connection, "enable_seqscan"), Is.EqualTo("on"));
        Assert.That(await SettingAsync(connection, "application_name"), Is.EqualTo("orbit"));
        Assert.That(await PreparedAfterRepeatingAsync(connection), Is.True, "a statement run ten times is prepared");
    }

    [Test]
    public async Task The_relay_has_a_pool_of_its_own_that_prepares_keeps_PostgreSQLs_plan_choice_and_never_scans_a_table_whole()
    {
        var relay = TestPostgres.Api.Services.GetRequiredKeyedService<NpgsqlDataSource>(OutboxRelay.DataSourceKey);
        Assert.That(relay, Is.Not.SameAs(TestPostgres.Api.Services.GetRequiredService<NpgsqlDataSource>()));
        await using var connection = await relay.OpenConnectionAsync();

        Assert.That(await SettingAsync(connection, "plan_cache_mode"), Is.EqualTo("auto"));
        Assert.That(await SettingAsync(connection, "enable_seqscan"), Is.EqualTo("off"), "queue tables analysed empty must not be scanned whole");
        Assert.That(await SettingAsync(connection, "enable_bitmapscan"), Is.EqualTo("off"), "nor gathered whole and sorted");
        Assert.That(await SettingAsync(connection, "application_name"), Is.EqualTo("orbit-relay"));
        Assert.That(await PreparedAfterRepeatingAsync(connection), Is.True);
    }

    [Test]
    public async Task Settings_the_connection_string_gives_win_over_the_defaults()
    {
        var given = new NpgsqlConnectionStringBuilder(TestPostgres.SharedDatabase)
        {
            MaxAutoPrepare = 0,
            Options = "-c plan_cache_mode=force_generic_plan",
            ApplicationName = "orbit-blue",
        };
        await using var api = new OrbitApi(given.ConnectionString);
        await api.StartAsync();
        await using var connection = await api.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();

        Assert.That(await SettingAsync(connection, "plan_cache_mode"), Is.EqualTo("force_generic_plan"));
        Assert.That(await SettingAsync(connection, "application_name"), Is.EqualTo("orbit-blue"));
        Assert.That(await PreparedAfterRepeatingAsync(connection), Is.False, "Max Auto Prepare=0 prepares nothing");
    }

    private static Task<string?> SettingAsync(NpgsqlConnection connection, string name) =>
        connection.ExecuteScalarAsync<string>("select current_setting(@name)", new { name });

    private static async Task<bool> PreparedAfterRepeatingAsync(NpgsqlConnection connection)
    {
        const string Repeated = "select count(*) from pg_catalog.pg_class where relname = @name";
        for (var i = 0; i < 10; i++)
        {
            await connection.ExecuteScalarAsync<long>(Repeated, new { name = "connection-defaults-test" });
        }

        return await connection.ExecuteScalarAsync<bool>(
            "select exists (select 1 from pg_prepared_statements where statement like '%pg_catalog.pg_class where relname%')");
    }
}
