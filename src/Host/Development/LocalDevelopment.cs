using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Orbit.Host.Development;

/// <summary>
/// The quick start: in Development with no <c>ConnectionStrings:Postgres</c>, start a project-local PostgreSQL and a
/// local admin, so that <c>dotnet run --project src/Host</c> is all a newcomer types. State (the cluster, the generated
/// admin password and signing key) lives in <c>.orbit/</c> at the repository root and survives restarts.
/// </summary>
internal sealed class LocalDevelopment
{
    private readonly LocalPostgres _postgres;
    private readonly LocalAdmin _admin;

    private LocalDevelopment(LocalPostgres postgres, LocalAdmin admin)
    {
        _postgres = postgres;
        _admin = admin;
    }

    public static bool Applies(WebApplicationBuilder builder) =>
        builder.Environment.IsDevelopment() && string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Postgres"));

    public static async Task<LocalDevelopment> PrepareAsync(WebApplicationBuilder builder)
    {
        var state = StateDirectory();
        Directory.CreateDirectory(state);
        Console.WriteLine($"Starting a local PostgreSQL in {state} (set ConnectionStrings__Postgres to use your own server)...");
        var postgres = await LocalPostgres.StartAsync(Path.Combine(state, "postgres"));

        var admin = await ReadOrCreateAsync(Path.Combine(state, "local-admin.json"), () => new LocalAdmin(
            builder.Configuration["Bootstrap:AdminEmail"] ?? "admin@orbit.localhost",
            builder.Configuration["Bootstrap:AdminPassword"] ?? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18))));
        var signingKey = await ReadOrCreateAsync(Path.Combine(state, "jwt-signing-key.json"), () => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(48)));

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = postgres.ConnectionString(),
            ["Bootstrap:AdminEmail"] = admin.Email,
            ["Bootstrap:AdminPassword"] = admin.Password,
        };
        if (string.IsNullOrEmpty(builder.Configuration["Jwt:SigningKey"]))
        {
            settings["Jwt:SigningKey"] = signingKey;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        return new LocalDevelopment(postgres, admin);
    }

    /// <summary>Prints where Orbit listens and how to sign in once the server is up; stops PostgreSQL on shutdown.</summary>
    public void Attach(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var url = app.Urls.FirstOrDefault() ?? "http://localhost:5080";
            Console.WriteLine($"""

                Orbit is running at {url}
                  Web app:                {url}/
                  API reference (Scalar): {url}/scalar
                  OpenAPI description:    {url}/openapi/v1.json
                  Local admin:            {_admin.Email} / {_admin.Password}
                  (sign in with POST /api/v1/auth/login, then use the accessToken as a Bearer token)
                Press Ctrl+C to stop.

                """);
        });
        app.Lifetime.ApplicationStopped.Register(() => _postgres.StopAsync().GetAwaiter().GetResult());
    }

    private static string StateDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "App.sln")))
        {
            directory = directory.Parent;
        }

        var root = directory?.FullName ?? Directory.GetCurrentDirectory();
        var local = Path.Combine(root, ".orbit");

        // As root the cluster runs as the postgres user, who must be able to reach it; a clone under a private home
        // directory would not be reachable, so fall back to a per-clone folder in /var/tmp.
        if (!OperatingSystem.IsWindows() && Environment.UserName == "root" && !ReachableByOthers(root))
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(root)))[..12];
            return Path.Combine("/var/tmp", "orbit-" + hash);
        }

        return local;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool ReachableByOthers(string path)
    {
        for (var directory = new DirectoryInfo(path); directory is not null; directory = directory.Parent)
        {
            if (!directory.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<T> ReadOrCreateAsync<T>(string path, Func<T> create)
    {
        if (File.Exists(path))
        {
            return JsonSerializer.Deserialize<T>(await File.ReadAllTextAsync(path))!;
        }

        var value = create();
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(value));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return value;
    }

    private sealed record LocalAdmin(string Email, string Password);
}
