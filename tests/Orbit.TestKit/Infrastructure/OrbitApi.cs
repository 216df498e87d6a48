using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Orbit.Tests.Contract;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orbit.Tests.Infrastructure;

/// <summary>The real Orbit host in memory, over a real PostgreSQL database, driven through HTTP.</summary>
public sealed class OrbitApi : WebApplicationFactory<Program>
{
    public const string SigningKey = "tests-only-signing-key-0123456789-abcdefghijklmnop";
    public const string AdminEmail = "admin@tests.orbit";
    public const string AdminPassword = "admin-password-for-tests";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public OrbitApi(string connectionString, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        ConnectionString = connectionString;
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Jwt:SigningKey"] = SigningKey,
            ["Bootstrap:AdminEmail"] = AdminEmail,
            ["Bootstrap:AdminPassword"] = AdminPassword,
            // The suite signs in a lot from one address; the limit itself is tested with its own host.
            ["RateLimiting:Credentials:PermitLimit"] = "100000",
            ["RateLimiting:CredentialsGlobal:PermitLimit"] = "100000",
            ["RateLimiting:Api:PermitLimit"] = "100000",
            ["RateLimiting:ClientEvents:PermitLimit"] = "100000",
            // Cross-module effects should show quickly; retries in tests need not wait seconds.
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Outbox:RetryBaseDelay"] = "00:00:00.050",
            // Test webhook receivers listen on loopback; retries in tests need not wait minutes.
            ["Webhooks:AllowPrivateNetworks"] = "true",
            ["Webhooks:RetryBaseDelay"] = "00:00:00.100",
            ["Webhooks:RetryFactor"] = "2",
            ["Webhooks:MaxAttempts"] = "5",
            ["Webhooks:PollInterval"] = "00:00:00.050",
            ["Webhooks:SecretEncryptionKey"] = "dGVzdHMtb25seS13ZWJob29rLXNlY3JldC1rZXktMzI=",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string ConnectionString { get; }

    public async Task StartAsync()
    {
        // Building the server runs start-up: migrations and the bootstrap admin.
        using var client = CreateClient();
        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        response.EnsureSuccessStatusCode();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging => logging.AddProvider(new ServerErrors()));
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    /// <summary>
    /// A client whose every answer is checked against the OpenAPI document (<see cref="ContractCheckingHandler"/>),
    /// with the redirect and cookie handling of the factory's default client.
    /// </summary>
    public new HttpClient CreateClient() => CreateClient(new WebApplicationFactoryClientOptions());

    public new HttpClient CreateClient(WebApplicationFactoryClientOptions options)
    {
        var handlers = new List<DelegatingHandler>();
        if (options.AllowAutoRedirect)
        {
            handlers.Add(new RedirectHandler(options.MaxAutomaticRedirections));
        }

        if (options.HandleCookies)
        {
            handlers.Add(new CookieContainerHandler());
        }

        handlers.Add(new ContractCheckingHandler(() => base.CreateClient()));
        return CreateDefaultClient(options.BaseAddress, [.. handlers]);
    }

    /// <summary>A client carrying the given bearer token.</summary>
    public HttpClient CreateClient(string bearerToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        return client;
    }

    public async Task<TestUser> RegisterAsync(string? displayName = null, string password = "correct horse battery")
    {
        var email = $"user-{Guid.NewGuid():N}@tests.orbit";
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password, displayName = displayName ?? "Test User" });
        await Expect.Status(response, System.Net.HttpStatusCode.Created);
        var user = await response.Content.ReadFromJsonAsync<UserBody>();
        return new TestUser(user!.Id, email, password, this);
    }

    public async Task<Tokens> SignInAsync(string email, string password)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        await Expect.Status(response, System.Net.HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<Tokens>())!;
    }

    public async Task<HttpClient> AdminClientAsync() => CreateClient((await SignInAsync(AdminEmail, AdminPassword)).AccessToken);
}

public sealed record TestUser(Guid Id, string Email, string Password, OrbitApi Api)
{
    public Task<Tokens> SignInAsync() => Api.SignInAsync(Email, Password);

    public async Task<HttpClient> ClientAsync() => Api.CreateClient((await SignInAsync()).AccessToken);
}

public sealed record Tokens(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken);

public sealed record UserBody(Guid Id, string Email, string DisplayName, string[] Roles, DateTime CreatedAt);
