using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Orbit.Tests.Infrastructure;

/// <summary>
/// The in-memory test server has no network connections, so every request would come from the same (absent)
/// address. Hosts given <see cref="Install"/> take the client address from the test-only header
/// <see cref="Header"/>, so that tests can sign in "from" many addresses, IPv6 ones included.
/// </summary>
public static class ClientAddresses
{
    public const string Header = "X-Test-Client-Address";

    public static void Install(IServiceCollection services) => services.AddSingleton<IStartupFilter, FromHeader>();

    /// <summary>POST /auth/login as if from <paramref name="address"/>.</summary>
    public static Task<HttpResponseMessage> SignInFromAsync(this HttpClient client, string address, string email, string password) =>
        client.SendAsync(From(address, HttpMethod.Post, "/api/v1/auth/login", new { email, password }));

    public static HttpRequestMessage From(string address, HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add(Header, address);
        return request;
    }

    private sealed class FromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return following(context);
            });
            next(app);
        };
    }
}

/// <summary>The system clock, moved forward on demand: throttle waits pass without real waiting.</summary>
public sealed class MovableClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
