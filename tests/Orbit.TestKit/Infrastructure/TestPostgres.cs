using System.Reflection;
using Npgsql;
using Orbit.Host.Development;
using Orbit.Tests.Contract;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests;

/// <summary>
/// One real PostgreSQL per test assembly: the server named by <c>ORBIT_TEST_POSTGRES</c> (a connection string to
/// an existing server, as CI may provide), or a throwaway cluster started from the machine's PostgreSQL binaries.
/// Each test database is created fresh, so runs never see each other's data.
/// </summary>
/// <remarks>
/// NUnit runs only the setup fixtures of the test assembly itself, so every test project declares one deriving from
/// this, in namespace <c>Orbit.Tests</c> so that it wraps all of the project's tests:
/// <c>[SetUpFixture] public sealed class TestRun : TestPostgres;</c> (see the project's AssemblyInfo.cs).
/// </remarks>
public abstract class TestPostgres
{
    private static LocalPostgres? _local;
    private static string? _dataDirectory;
    private static string _serverConnectionString = "";
    private static TestAssemblyTurn? _turn;

    /// <summary>The shared database most tests use; they isolate by creating their own users and ids.</summary>
    public static string SharedDatabase { get; private set; } = "";

    public static OrbitApi Api { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // Every answer a test sees must match the OpenAPI document: a test project that forgot the check would pass
        // answers nobody looked at.
        if (GetType().Assembly.GetCustomAttribute<ContractCheckAttribute>() is null)
        {
            throw new InvalidOperationException(
                $"{GetType().Assembly.GetName().Name} lacks [assembly: Orbit.Tests.Contract.ContractCheck]; add it beside its setup fixture.");
        }

        // Test assemblies of one checkout run one after another (dotnet test App.sln starts them side by side): see
        // TestAssemblyTurn.
        _turn = await TestAssemblyTurn.TakeAsync(GetType().Assembly.GetName().Name!);

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
        try
        {
            if (Api is not null)
            {
                await Api.DisposeAsync();
            }

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
        finally
        {
            _turn?.Dispose();
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
