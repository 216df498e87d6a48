using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Orbit.Host.Development;

/// <summary>
/// A project-local PostgreSQL cluster started from the machine's PostgreSQL binaries, so that running Orbit or its
/// tests needs no installed service and no Docker. Used only when no connection string is configured: by the host in
/// Development, and by the test suite. Never by a deployed host.
/// </summary>
internal sealed class LocalPostgres
{
    private const string Database = "orbit";
    private readonly string _binDirectory;
    private readonly bool _runAsPostgresUser;

    private LocalPostgres(string dataDirectory, string binDirectory, int port)
    {
        DataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        Port = port;
        _runAsPostgresUser = Environment.UserName == "root";
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public string ConnectionString(string database = Database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5";

    /// <summary>Initialises the cluster if needed, starts it unless already running, and creates the database.</summary>
    public static async Task<LocalPostgres> StartAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        var binDirectory = FindBinDirectory();
        Directory.CreateDirectory(dataDirectory);
        var portFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataDirectory).TrimEnd('/'))!, Path.GetFileName(dataDirectory.TrimEnd('/')) + ".port");
        var port = File.Exists(portFile) ? int.Parse(await File.ReadAllTextAsync(portFile, cancellationToken), CultureInfo.InvariantCulture) : FreePort();
        await File.WriteAllTextAsync(portFile, port.ToString(CultureInfo.InvariantCulture), cancellationToken);

        var postgres = new LocalPostgres(Path.GetFullPath(dataDirectory), binDirectory, port);
        await postgres.InitialiseAndStartAsync(cancellationToken);
        await postgres.EnsureDatabaseAsync(Database, cancellationToken);
        return postgres;
    }

    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"create database \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public Task StopAsync() => RunAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w"], CancellationToken.None, allowFailure: true);

    private async Task InitialiseAndStartAsync(CancellationToken cancellationToken)
    {
        if (_runAsPostgresUser)
        {
            // initdb refuses to run as root: the cluster belongs to the postgres user.
            await RunRawAsync("chown", ["-R", "postgres", DataDirectory], cancellationToken);
        }

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            await RunAsync("initdb", ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"], cancellationToken);
        }

        if (await RunAsync("pg_ctl", ["status", "-D", DataDirectory], cancellationToken, allowFailure: true) == 0)
        {
            return;
        }

        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -k {DataDirectory} -c fsync=off -c max_connections=200";
        await RunAsync("pg_ctl", ["start", "-D", DataDirectory, "-w", "-t", "60", "-l", Path.Combine(DataDirectory, "server.log"), "-o", options], cancellationToken);
    }

    private Task<int> RunAsync(string tool, string[] arguments, CancellationToken cancellationToken, bool allowFailure = false)
    {
        var executable = Path.Combine(_binDirectory, tool);
        return _runAsPostgresUser
            ? RunRawAsync("runuser", ["-u", "postgres", "--", executable, .. arguments], cancellationToken, allowFailure)
            : RunRawAsync(executable, arguments, cancellationToken, allowFailure);
    }

    private static async Task<int> RunRawAsync(string fileName, string[] arguments, CancellationToken cancellationToken, bool allowFailure = false)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {await error}{await output}");
        }

        return process.ExitCode;
    }

    private static string FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("ORBIT_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        if (debian is not null)
        {
            return debian;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")));
        return onPath ?? throw new InvalidOperationException(
            "PostgreSQL's binaries (initdb, pg_ctl) were not found. Install PostgreSQL (Debian: apt-get install postgresql), " +
            "set ORBIT_PG_BIN to their folder, or set ConnectionStrings__Postgres to an existing server.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
