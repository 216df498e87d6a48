using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Identity;

/// <summary>Browser sessions: <c>X-Orbit-Client: web</c> moves the refresh token into an HttpOnly cookie (docs/adr/0008).</summary>
public sealed class BrowserSessionTests
{
    private const string CookieName = "orbit_refresh";

    private static OrbitApi Api => TestPostgres.Api;

    // Cookies are handled by hand so each test sees exactly what the server set and sends exactly what it means to.
    private static HttpClient NewClient() => Api.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    private static HttpRequestMessage WebRequest(string path, object body, string? cookie = null, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Orbit-Client", "web");
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", $"{CookieName}={cookie}");
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    private static async Task<(HttpResponseMessage Response, string Cookie)> WebLoginAsync(TestUser user)
    {
        using var client = NewClient();
        var response = await client.SendAsync(WebRequest("/api/v1/auth/login", new { email = user.Email, password = user.Password }));
        await Expect.Status(response, HttpStatusCode.OK);
        return (response, CookieValue(SetCookie(response)));
    }

    private static async Task<HttpResponseMessage> WebRefreshAsync(string? cookie, string? origin = null)
    {
        using var client = NewClient();
        return await client.SendAsync(WebRequest("/api/v1/auth/refresh", new { }, cookie, origin));
    }

    private static string SetCookie(HttpResponseMessage response)
    {
        Assert.That(response.Headers.TryGetValues("Set-Cookie", out var values), Is.True, "expected a Set-Cookie header");
        return values!.Single(v => v.StartsWith(CookieName + "=", StringComparison.Ordinal));
    }

    private static string CookieValue(string setCookie) => setCookie[(CookieName.Length + 1)..setCookie.IndexOf(';', StringComparison.Ordinal)];

    private static string[] AttributesOf(string setCookie) =>
        setCookie.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToArray();

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Test]
    public async Task A_web_login_sets_an_http_only_strict_cookie_and_leaves_the_refresh_token_out_of_the_body()
    {
        var user = await Api.RegisterAsync();

        var (response, cookie) = await WebLoginAsync(user);
        using (response)
        {
            var body = await JsonAsync(response);
            var attributes = AttributesOf(SetCookie(response));
            Assert.Multiple(() =>
            {
                Assert.That(body.TryGetProperty("refreshToken", out _), Is.False, "the refresh token must not be readable by script");
                Assert.That(body.GetProperty("accessToken").GetString(), Is.Not.Empty);
                Assert.That(cookie, Does.StartWith("orbit_rt_"));
                Assert.That(attributes, Does.Contain("httponly"));
                Assert.That(attributes, Does.Contain("samesite=strict"));
                Assert.That(attributes, Does.Contain("path=/api/v1/auth"));
                // The tests' refresh lifetime is the default 14 days.
                Assert.That(attributes, Does.Contain($"max-age={14 * 24 * 3600}"));
                // The test server speaks plain HTTP; Secure is added for HTTPS requests only.
                Assert.That(attributes, Does.Not.Contain("secure"));
            });
        }
    }

    [Test]
    public async Task A_web_login_over_https_marks_the_cookie_secure()
    {
        var user = await Api.RegisterAsync();
        using var client = Api.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = new Uri("https://localhost") });

        using var response = await client.SendAsync(WebRequest("/api/v1/auth/login", new { email = user.Email, password = user.Password }));

        await Expect.Status(response, HttpStatusCode.OK);
        Assert.That(AttributesOf(SetCookie(response)), Does.Contain("secure"));
    }

    [Test]
    public async Task Refreshing_with_the_cookie_rotates_it_and_the_new_access_token_works()
    {
        var user = await Api.RegisterAsync();
        var (login, cookie) = await WebLoginAsync(user);
        login.Dispose();

        using var refreshed = await WebRefreshAsync(cookie, origin: "http://localhost");

        await Expect.Status(refreshed, HttpStatusCode.OK);
        var rotated = CookieValue(SetCookie(refreshed));
        var body = await JsonAsync(refreshed);
        Assert.Multiple(() =>
        {
            Assert.That(rotated, Is.Not.EqualTo(cookie).And.StartWith("orbit_rt_"));
            Assert.That(body.TryGetProperty("refreshToken", out _), Is.False);
        });
        using var client = Api.CreateClient(body.GetProperty("accessToken").GetString()!);
        using var me = await client.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
        await Expect.Status(me, HttpStatusCode.OK);
    }

    [Test]
    public async Task An_old_cookie_is_refused_after_rotation_and_revokes_the_whole_sign_in()
    {
        var user = await Api.RegisterAsync();
        var (login, cookie) = await WebLoginAsync(user);
        login.Dispose();
        using var first = await WebRefreshAsync(cookie);
        var rotated = CookieValue(SetCookie(first));

        using var reuse = await WebRefreshAsync(cookie);

        var problem = await Expect.Problem(reuse, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("identity.refresh_token_reused"));
        Assert.That(AttributesOf(SetCookie(reuse)), Does.Contain("max-age=0"), "a dead cookie is expired");
        using var descendant = await WebRefreshAsync(rotated);
        await Expect.Problem(descendant, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Refreshing_without_a_cookie_is_401()
    {
        using var response = await WebRefreshAsync(cookie: null);
        var problem = await Expect.Problem(response, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("identity.invalid_refresh_token"));
    }

    [Test]
    public async Task Refreshing_with_an_unknown_cookie_is_401()
    {
        using var response = await WebRefreshAsync("orbit_rt_" + Guid.NewGuid().ToString("N"));
        var problem = await Expect.Problem(response, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("identity.invalid_refresh_token"));
    }

    [TestCase("https://evil.example")]
    [TestCase("http://localhost:8080")]
    [TestCase("null")]
    public async Task A_refresh_from_another_origin_is_403_and_does_not_use_the_cookie(string origin)
    {
        var user = await Api.RegisterAsync();
        var (login, cookie) = await WebLoginAsync(user);
        login.Dispose();

        using var response = await WebRefreshAsync(cookie, origin);

        var problem = await Expect.Problem(response, HttpStatusCode.Forbidden);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("auth.cross_origin"));
        using var stillValid = await WebRefreshAsync(cookie);
        await Expect.Status(stillValid, HttpStatusCode.OK);
    }

    [Test]
    public async Task A_logout_from_another_origin_is_403_and_revokes_nothing()
    {
        var user = await Api.RegisterAsync();
        var (login, cookie) = await WebLoginAsync(user);
        login.Dispose();
        using var client = NewClient();

        using var response = await client.SendAsync(WebRequest("/api/v1/auth/logout", new { }, cookie, "https://evil.example"));

        var problem = await Expect.Problem(response, HttpStatusCode.Forbidden);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("auth.cross_origin"));
        using var stillValid = await WebRefreshAsync(cookie);
        await Expect.Status(stillValid, HttpStatusCode.OK);
    }

    [Test]
    public async Task Logging_out_revokes_the_cookie_and_expires_it()
    {
        var user = await Api.RegisterAsync();
        var (login, cookie) = await WebLoginAsync(user);
        login.Dispose();
        using var client = NewClient();

        using var logout = await client.SendAsync(WebRequest("/api/v1/auth/logout", new { }, cookie, "http://localhost"));

        await Expect.Status(logout, HttpStatusCode.NoContent);
        var expired = SetCookie(logout);
        Assert.Multiple(() =>
        {
            Assert.That(CookieValue(expired), Is.Empty);
            Assert.That(AttributesOf(expired), Does.Contain("max-age=0"));
            Assert.That(AttributesOf(expired), Does.Contain("path=/api/v1/auth"));
        });
        using var afterLogout = await WebRefreshAsync(cookie);
        await Expect.Problem(afterLogout, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Logging_out_without_a_cookie_still_answers_204_and_expires_the_cookie()
    {
        using var client = NewClient();
        using var logout = await client.SendAsync(WebRequest("/api/v1/auth/logout", new { }));
        await Expect.Status(logout, HttpStatusCode.NoContent);
        Assert.That(AttributesOf(SetCookie(logout)), Does.Contain("max-age=0"));
    }

    [Test]
    public async Task A_refresh_token_in_the_body_is_refused_in_cookie_mode()
    {
        using var client = NewClient();
        using var response = await client.SendAsync(WebRequest("/api/v1/auth/refresh", new { refreshToken = "orbit_rt_x" }));
        await Expect.ValidationError(response, "refreshToken");
    }

    [Test]
    public async Task A_disabled_users_cookie_no_longer_refreshes()
    {
        var user = await Api.RegisterAsync();
        var (login, cookie) = await WebLoginAsync(user);
        login.Dispose();
        using var admin = await Api.AdminClientAsync();
        using (var disabled = await admin.PostAsync(new Uri($"/api/v1/admin/users/{user.Id}/disable", UriKind.Relative), null))
        {
            await Expect.Status(disabled, HttpStatusCode.OK);
        }

        using var response = await WebRefreshAsync(cookie);

        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Without_the_header_login_and_refresh_keep_the_token_in_the_body_and_set_no_cookie()
    {
        var user = await Api.RegisterAsync();
        using var client = NewClient();

        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        await Expect.Status(login, HttpStatusCode.OK);
        var tokens = (await login.Content.ReadFromJsonAsync<Tokens>())!;
        Assert.That(login.Headers.Contains("Set-Cookie"), Is.False);

        using var refresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken });
        await Expect.Status(refresh, HttpStatusCode.OK);
        Assert.That((await refresh.Content.ReadFromJsonAsync<Tokens>())!.RefreshToken, Does.StartWith("orbit_rt_"));
        Assert.That(refresh.Headers.Contains("Set-Cookie"), Is.False);
    }

    [Test]
    public async Task Without_the_header_a_cookie_is_ignored_and_the_body_token_is_required()
    {
        var user = await Api.RegisterAsync();
        var (login, cookie) = await WebLoginAsync(user);
        login.Dispose();
        using var client = NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/auth/refresh", UriKind.Relative)) { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Cookie", $"{CookieName}={cookie}");

        using var response = await client.SendAsync(request);

        await Expect.ValidationError(response, "refreshToken");
    }

    [Test]
    public async Task The_openapi_document_shows_the_header_and_an_optional_refresh_token()
    {
        using var client = Api.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
        foreach (var path in new[] { "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout" })
        {
            var operation = document.GetProperty("paths").GetProperty(path).GetProperty("post");
            Assert.That(operation.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Does.Contain("X-Orbit-Client"), path);
            Assert.That(operation.GetProperty("responses").TryGetProperty("403", out _), Is.True, path);
        }

        var tokenResponse = document.GetProperty("components").GetProperty("schemas").GetProperty("TokenResponse");
        var required = tokenResponse.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(r => r.GetString()).ToArray() : [];
        Assert.That(required, Does.Contain("accessToken").And.Not.Contain("refreshToken"));
    }
}
