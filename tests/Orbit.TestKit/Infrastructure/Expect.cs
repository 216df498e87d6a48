using System.Net;
using System.Text.Json;

namespace Orbit.Tests.Infrastructure;

public static class Expect
{
    /// <summary>Asserts the status and shows the body when it differs, which is what one needs to see.</summary>
    public static async Task Status(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            var server = response.StatusCode == HttpStatusCode.InternalServerError ? "\nServer errors:\n" + ServerErrors.Recent() : "";
            Assert.Fail($"Expected {(int)expected} {expected} but got {(int)response.StatusCode} {response.StatusCode}: {body}{server}");
        }
    }

    /// <summary>Asserts an RFC 9457 problem document with the status, and returns it for further checks.</summary>
    public static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        await Status(response, expected);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)expected));
            Assert.That(problem.GetProperty("title").GetString(), Is.Not.Empty);
            Assert.That(problem.TryGetProperty("traceId", out _), Is.True, "problem documents carry a traceId");
            Assert.That(problem.TryGetProperty("type", out _), Is.True);
        });
        return problem;
    }

    /// <summary>Asserts a 400 validation problem naming the field.</summary>
    public static async Task<JsonElement> ValidationError(HttpResponseMessage response, string field)
    {
        var problem = await Problem(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out var messages), Is.True,
            $"expected an error for '{field}' in {problem.GetProperty("errors")}");
        Assert.That(messages.GetArrayLength(), Is.GreaterThan(0));
        return problem;
    }
}
