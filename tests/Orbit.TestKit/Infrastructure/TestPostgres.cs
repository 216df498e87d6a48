using Npgsql;
using Orbit.Host.Development;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests;

/// <summary>
/// One real PostgreSQL for the whole run: the server named by <c>ORBIT_TEST_POSTGRES</c> (a connection string to
/// an existing server, as CI may provide), or a throwaway cluster started from the machine's PostgreSQL binaries.
/// Each test database is created fresh, so runs never see each other's data.
/// </summary>
[SetUpFixture]
public sealed class TestPostgres
{
    private static LocalPostgres? _local;
    private static string? _dataDirectory;
    private static string _serverConnectionString = "";

    /// <summary>The shared database most tests use; they isolate by creating their own users and ids.</summary>
    public static string SharedDatabase { get; private set; } = "";

    public static OrbitApi Api { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("ORBIT_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            _serverConnectionString = external;
        }
        else
        {
            _dataDirectory = Path.Combine(Path.GetTempPath(), "orbit-tests-" + Guid.NewGuid().ToString("N")[..8]);
            _local = await LocalPostgres.StartAsync(Path.Combine(_dataDirectory, "postgres"));
            _serverConnectionString = _local.ConnectionString("postgres");
        }

        SharedDatabase = await CreateDatabaseAsync("shared");
        Api = new OrbitApi(SharedDatabase);
        await Api.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await Api.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_local is not null)
        {
            await _local.StopAsync();
        }

        if (_dataDirectory is not null)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is not worth failing the run for.
            }
        }
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = $"orbit_{purpose}_{Guid.NewGuid():N}"[..40];
        await using (var connection = new NpgsqlConnection(_serverConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = name, Timeout = 5 }.ConnectionString;
    }
}
