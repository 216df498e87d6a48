using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Web;

/// <summary>
/// The host serves the built web app (src/Host/wwwroot, built by the host's own build) from the API's origin.
/// </summary>
public sealed partial class WebAppHostingTests
{
    private const string AppPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private static OrbitApi Api => TestPostgres.Api;

    private static string WebRoot
    {
        get
        {
            var path = Api.Services.GetRequiredService<IWebHostEnvironment>().WebRootPath;
            if (path is null || !File.Exists(Path.Combine(path, "index.html")))
            {
                Assert.Fail($"The test host's web root ({path}) has no index.html: the host's build builds the web app unless OrbitSkipWebBuild=true.");
            }

            return path!;
        }
    }

    private static HttpRequestMessage Navigation(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        // What a browser sends when the user opens a link or reloads the page.
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return request;
    }

    private static async Task<string> IndexHtmlAsync() => await File.ReadAllTextAsync(Path.Combine(WebRoot, "index.html"));

    private static async Task<string> AnEntryScriptAsync()
    {
        var match = EntryScript().Match(await IndexHtmlAsync());
        Assert.That(match.Success, Is.True, "index.html references no script under /assets/");
        return match.Groups["path"].Value;
    }

    [Test]
    public async Task Host_serves_the_app_at_the_root_and_index_html_is_revalidated_every_time()
    {
        using var client = Api.CreateClient();
        using var response = await client.SendAsync(Navigation(HttpMethod.Get, "/"));

        await Expect.Status(response, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(response.Headers.CacheControl?.NoCache, Is.True, "index.html names the current release's assets");
            Assert.That(response.Headers.CacheControl?.MaxAge, Is.Null);
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(await IndexHtmlAsync()));
        });
    }

    [Test]
    public async Task Host_serves_the_app_hashed_assets_cached_for_a_year_as_immutable()
    {
        var script = await AnEntryScriptAsync();
        using var client = Api.CreateClient();
        using var response = await client.GetAsync(new Uri(script, UriKind.Relative));

        await Expect.Status(response, HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));
            Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=31536000, immutable"));
        });
    }

    [Test]
    public async Task Host_serves_the_app_for_a_client_route_such_as_a_project_board()
    {
        using var client = Api.CreateClient();
        using var response = await client.SendAsync(Navigation(HttpMethod.Get, "/projects/abc/board"));

        await Expect.Status(response, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(response.Headers.CacheControl?.NoCache, Is.True);
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(await IndexHtmlAsync()));
        });
    }

    [Test]
    public async Task Host_serves_the_app_to_HEAD_requests_with_headers_and_no_body()
    {
        using var client = Api.CreateClient();
        using var page = await client.SendAsync(Navigation(HttpMethod.Head, "/projects/abc/board"));
        using var asset = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, await AnEntryScriptAsync()));

        await Expect.Status(page, HttpStatusCode.OK);
        await Expect.Status(asset, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(page.Content.Headers.ContentLength, Is.EqualTo(new FileInfo(Path.Combine(WebRoot, "index.html")).Length));
            Assert.That(await page.Content.ReadAsByteArrayAsync(), Is.Empty);
            Assert.That(asset.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=31536000, immutable"));
        });
    }

    [Test]
    public async Task Host_serves_the_app_under_a_strict_content_security_policy()
    {
        using var client = Api.CreateClient();
        using var page = await client.SendAsync(Navigation(HttpMethod.Get, "/projects/abc/board"));
        using var asset = await client.GetAsync(new Uri(await AnEntryScriptAsync(), UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo(AppPolicy));
            Assert.That(asset.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo(AppPolicy));
            Assert.That(page.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
        });
    }

    [Test]
    public async Task Host_serves_the_app_but_the_built_index_has_no_inline_script_the_policy_would_block()
    {
        var html = await IndexHtmlAsync();
        var inline = InlineScript().Matches(html).Select(m => m.Value).ToList();
        Assert.That(inline, Is.Empty, "script-src 'self' blocks inline scripts; the app must load them from files");
    }

    [TestCase("/api/v1/nope")]
    [TestCase("/api/v1/projects/00000000-0000-0000-0000-000000000000/nope")]
    [TestCase("/health/nope")]
    [TestCase("/openapi/nope")]
    [TestCase("/metrics/nope")]
    public async Task Host_serves_the_app_never_for_an_unknown_server_path_which_stays_a_404_problem(string path)
    {
        using var client = Api.CreateClient();
        using var response = await client.SendAsync(Navigation(HttpMethod.Get, path));

        await Expect.Problem(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Host_serves_the_app_without_hiding_the_health_probe_the_OpenAPI_document_or_Scalar()
    {
        using var client = Api.CreateClient();
        using var live = await client.SendAsync(Navigation(HttpMethod.Get, "/health/live"));
        using var openApi = await client.SendAsync(Navigation(HttpMethod.Get, "/openapi/v1.json"));
        using var scalar = await client.SendAsync(Navigation(HttpMethod.Get, "/scalar/v1"));

        await Expect.Status(live, HttpStatusCode.OK);
        await Expect.Status(openApi, HttpStatusCode.OK);
        await Expect.Status(scalar, HttpStatusCode.OK);
        Assert.Multiple(async () =>
        {
            Assert.That(await live.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
            Assert.That(openApi.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(await openApi.Content.ReadAsStringAsync(), Does.Contain("\"openapi\""));
            Assert.That(await scalar.Content.ReadAsStringAsync(), Does.Not.Contain("<div id=\"root\">"), "Scalar, not the app");
            // Scalar loads its own scripts: the app's policy would break it.
            Assert.That(scalar.Headers.Contains("Content-Security-Policy"), Is.False);
        });
    }

    [Test]
    public async Task Host_serves_the_app_only_to_navigations_not_to_other_requests()
    {
        using var client = Api.CreateClient();
        using var asJson = new HttpRequestMessage(HttpMethod.Get, "/projects/abc/board");
        asJson.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var json = await client.SendAsync(asJson);
        using var post = await client.SendAsync(Navigation(HttpMethod.Post, "/projects/abc/board"));
        using var missingFile = await client.SendAsync(Navigation(HttpMethod.Get, "/assets/no-such-file.js"));

        await Expect.Problem(json, HttpStatusCode.NotFound);
        await Expect.Problem(post, HttpStatusCode.NotFound);
        await Expect.Problem(missingFile, HttpStatusCode.NotFound);
    }

    [GeneratedRegex("""<script[^>]*\ssrc="(?<path>/assets/[^"]+\.js)"[^>]*>""")]
    private static partial Regex EntryScript();

    [GeneratedRegex("""<script(?![^>]*\ssrc=)[^>]*>""")]
    private static partial Regex InlineScript();
}

/// <summary>A host whose web root has no build (OrbitSkipWebBuild=true, or no Node where it was built).</summary>
public sealed class WebAppNotBuiltTests
{
    private OrbitApi _api = null!;
    private string _emptyWebRoot = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _emptyWebRoot = Directory.CreateTempSubdirectory("orbit-empty-wwwroot-").FullName;
        // The shared database is migrated already; this host only needs a different web root.
        _api = new OrbitApi(TestPostgres.SharedDatabase, new Dictionary<string, string?> { ["webroot"] = _emptyWebRoot });
        await _api.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_emptyWebRoot, recursive: true);
    }

    [Test]
    public async Task Without_a_built_app_the_root_is_a_503_problem_saying_so_and_the_API_still_works()
    {
        using var client = _api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html");
        using var root = await client.SendAsync(request);
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var login = await client.PostAsync(new Uri("/api/v1/auth/login", UriKind.Relative),
            new StringContent($$"""{"email":"{{OrbitApi.AdminEmail}}","password":"{{OrbitApi.AdminPassword}}"}""", System.Text.Encoding.UTF8, "application/json"));

        var problem = await Expect.Problem(root, HttpStatusCode.ServiceUnavailable);
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("The web app was not built"));
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("web_app.not_built"));
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("OrbitSkipWebBuild"));
        });
        await Expect.Status(live, HttpStatusCode.OK);
        await Expect.Status(login, HttpStatusCode.OK);
    }
}
