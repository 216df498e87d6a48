using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Host;

public sealed class HttpPlumbingTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Test]
    public async Task Malformed_json_is_a_400_problem_without_internals()
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsync(new Uri("/api/v1/auth/register", UriKind.Relative), Json("{\"email\": \"a@b.c\", "));

        var problem = await Expect.Problem(response, HttpStatusCode.BadRequest);
        var text = problem.ToString();
        Assert.That(text, Does.Not.Contain("Exception").And.Not.Contain("System.").And.Not.Contain(" at "));
    }

    [Test]
    public async Task A_wrong_type_names_the_field()
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsync(new Uri("/api/v1/auth/register", UriKind.Relative),
            Json("""{"email": 42, "password": "a long enough password", "displayName": "X"}"""));
        var problem = await Expect.ValidationError(response, "email");
        Assert.That(problem.ToString(), Does.Not.Contain("System."));
    }

    [Test]
    public async Task An_unknown_property_is_rejected_by_name()
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsync(new Uri("/api/v1/auth/register", UriKind.Relative),
            Json("""{"email": "x@tests.orbit", "password": "a long enough password", "displayName": "X", "isAdmin": true}"""));
        await Expect.ValidationError(response, "isAdmin");
    }

    [Test]
    public async Task A_missing_body_is_a_400_problem()
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsync(new Uri("/api/v1/auth/register", UriKind.Relative), Json(""));
        await Expect.Problem(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task A_body_over_one_mebibyte_is_413()
    {
        using var client = Api.CreateClient();
        var huge = $$"""{"email": "x@tests.orbit", "password": "{{new string('p', 1024 * 1024)}}", "displayName": "X"}""";
        using var response = await client.PostAsync(new Uri("/api/v1/auth/register", UriKind.Relative), Json(huge));
        await Expect.Problem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task An_unknown_route_is_a_404_problem()
    {
        using var client = Api.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative));
        await Expect.Problem(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task The_correlation_id_is_echoed_when_given_and_generated_when_not()
    {
        using var client = Api.CreateClient();
        using var given = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        given.Headers.Add("X-Correlation-Id", "build-1234.step-5");
        using var echoed = await client.SendAsync(given);
        Assert.That(echoed.Headers.GetValues("X-Correlation-Id").Single(), Is.EqualTo("build-1234.step-5"));

        using var generated = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.That(generated.Headers.GetValues("X-Correlation-Id").Single(), Has.Length.GreaterThanOrEqualTo(16));

        using var unsafeId = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        unsafeId.Headers.TryAddWithoutValidation("X-Correlation-Id", "<script>");
        using var replaced = await client.SendAsync(unsafeId);
        Assert.That(replaced.Headers.GetValues("X-Correlation-Id").Single(), Is.Not.EqualTo("<script>"));
    }

    [Test]
    public async Task Error_responses_carry_the_correlation_id_and_security_headers_too()
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsync(new Uri("/api/v1/auth/register", UriKind.Relative), Json("{"));
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.Contains("X-Correlation-Id"), Is.True);
            Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
            Assert.That(response.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"));
        });
    }

    [Test]
    public async Task A_w3c_traceparent_is_honoured_and_becomes_the_problem_trace_id()
    {
        using var client = Api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        using var response = await client.SendAsync(request);
        var problem = await Expect.Problem(response, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("traceId").GetString(), Is.EqualTo("0af7651916cd43dd8448eb211c80319c"));
    }

    [Test]
    public async Task Health_endpoints_answer_200_when_the_database_is_up()
    {
        using var client = Api.CreateClient();
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        await Expect.Status(live, HttpStatusCode.OK);
        await Expect.Status(ready, HttpStatusCode.OK);
    }

    [Test]
    public async Task The_openapi_document_describes_every_identity_endpoint_with_its_auth_and_errors()
    {
        using var client = Api.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;

        Assert.That(document.GetProperty("openapi").GetString(), Does.StartWith("3.1"));
        var paths = document.GetProperty("paths");
        string[] expected =
        [
            "/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/users/me",
            "/api/v1/users/me/tokens", "/api/v1/users/me/tokens/{id}", "/api/v1/admin/users", "/api/v1/admin/users/{id}/roles",
            "/api/v1/admin/users/{id}/disable", "/api/v1/admin/users/{id}/enable", "/api/v1/admin/users/{id}/reset-password",
            "/api/v1/users/me/password", "/api/v1/auth/logout-all", "/api/v1/auth/reset-password",
        ];
        Assert.That(paths.EnumerateObject().Select(p => p.Name), Is.SupersetOf(expected));

        var me = paths.GetProperty("/api/v1/users/me").GetProperty("get");
        Assert.That(me.GetProperty("security").GetArrayLength(), Is.EqualTo(1), "authenticated endpoints declare the bearer scheme");
        Assert.That(me.GetProperty("responses").TryGetProperty("401", out _), Is.True);
        var register = paths.GetProperty("/api/v1/auth/register").GetProperty("post");
        Assert.That(register.GetProperty("security").GetArrayLength(), Is.EqualTo(0), "anonymous endpoints say so with security: []");
        Assert.That(register.GetProperty("responses").EnumerateObject().Select(r => r.Name), Is.SupersetOf(new[] { "201", "400", "409", "429" }));
        Assert.That(register.GetProperty("requestBody").ValueKind, Is.EqualTo(JsonValueKind.Object));
        var adminList = paths.GetProperty("/api/v1/admin/users").GetProperty("get");
        Assert.That(adminList.GetProperty("responses").TryGetProperty("403", out _), Is.True);
        Assert.That(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _), Is.True);
    }

    [Test]
    public async Task Scalar_serves_the_api_reference()
    {
        using var client = Api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = true });
        using var response = await client.GetAsync(new Uri("/scalar/", UriKind.Relative));
        await Expect.Status(response, HttpStatusCode.OK);
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("openapi/v1.json"));
    }

    [Test]
    public async Task Metrics_are_exposed_in_prometheus_format()
    {
        using var client = Api.CreateClient();
        using (await client.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative)))
        {
        }

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        await Expect.Status(response, HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Does.Contain("# TYPE").And.Contain("http_server_request_duration_seconds"));
    }
}
