using System.Net;
using System.Text;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Contract;

/// <summary>The response check must be able to fail: answers the document does not describe are caught.</summary>
public sealed class ContractCheckingHandlerTests
{
    [TestCase(418, "application/json", "{}", "status 418 is not documented")]
    [TestCase(200, "text/plain", "hello", "content type text/plain is not documented")]
    [TestCase(200, "application/json", """{"id":"not-a-user"}""", "does not match the schema")]
    [TestCase(401, "application/problem+json", """{"type":"about:blank","title":"Unauthorized","status":401,"code":"auth.unauthenticated","traceId":"x"}""", "header WWW-Authenticate is declared required but missing")]
    public async Task An_answer_the_document_does_not_describe_is_recorded_against_the_test(int status, string mediaType, string body, string expected)
    {
        using var stub = new StubHandler(new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, mediaType) });
        using var checking = new ContractCheckingHandler(() => TestPostgres.Api.CreateClient()) { InnerHandler = stub };
        using var client = new HttpClient(checking) { BaseAddress = new Uri("http://localhost") };

        using var response = await client.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));

        var violations = ContractViolations.Take(TestContext.CurrentContext.Test.FullName);
        Assert.That(violations, Has.Some.Contains(expected));
    }

    private sealed class StubHandler(HttpResponseMessage response) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(response);
    }
}
