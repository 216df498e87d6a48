using System.Net;
using System.Net.Http.Json;
using System.Text;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Contract;

/// <summary>Problem documents the framework writes carry a detail and a stable code, like those the handlers write.</summary>
public sealed class ProblemDocumentTests
{
    [Test]
    public async Task A_request_without_credentials_gets_auth_unauthenticated()
    {
        using var client = TestPostgres.Api.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
        await ExpectCode(response, HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Test]
    public async Task A_non_admin_on_an_admin_endpoint_gets_auth_forbidden()
    {
        var user = await TestPostgres.Api.RegisterAsync();
        using var client = await user.ClientAsync();
        using var response = await client.GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative));
        await ExpectCode(response, HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Test]
    public async Task A_url_that_matches_no_route_gets_route_not_found()
    {
        using var client = TestPostgres.Api.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative));
        await ExpectCode(response, HttpStatusCode.NotFound, "route.not_found");
    }

    [Test]
    public async Task A_method_the_path_does_not_have_gets_http_method_not_allowed()
    {
        var user = await TestPostgres.Api.RegisterAsync();
        using var client = await user.ClientAsync();
        using var response = await client.PutAsync(new Uri("/api/v1/users/me", UriKind.Relative), JsonContent.Create(new { }));
        await ExpectCode(response, HttpStatusCode.MethodNotAllowed, "http.method_not_allowed");
    }

    [Test]
    public async Task A_body_that_is_not_json_gets_http_unsupported_media_type()
    {
        var user = await TestPostgres.Api.RegisterAsync();
        using var client = await user.ClientAsync();
        using var response = await client.PostAsync(new Uri("/api/v1/projects", UriKind.Relative), new StringContent("key=ABC", Encoding.UTF8, "text/plain"));
        await ExpectCode(response, HttpStatusCode.UnsupportedMediaType, "http.unsupported_media_type");
    }

    [Test]
    public async Task An_unknown_property_on_a_post_gets_the_same_code_as_on_a_patch()
    {
        var user = await TestPostgres.Api.RegisterAsync();
        using var client = await user.ClientAsync();
        using var response = await client.PostAsJsonAsync("/api/v1/projects", new { key = "UNK", name = "Unknown", colour = "blue" });
        var problem = await Expect.ValidationError(response, "colour");
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("validation_failed"));
    }

    [TestCase("text/html")]
    [TestCase("image/png")]
    [TestCase("text/event-stream")]
    public async Task A_request_that_accepts_no_json_still_gets_a_problem_document(string accept)
    {
        using var client = TestPostgres.Api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await client.SendAsync(request);
        await ExpectCode(response, HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    private static async Task ExpectCode(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await Expect.Problem(response, status);
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo(code));
            Assert.That(problem.GetProperty("detail").GetString(), Is.Not.Empty);
        });
    }
}
