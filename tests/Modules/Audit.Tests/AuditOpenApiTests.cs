using System.Text.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Audit;

public sealed class AuditOpenApiTests
{
    [Test]
    public async Task The_openapi_document_describes_every_audit_endpoint()
    {
        using var client = TestPostgres.Api.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
        var paths = document.GetProperty("paths");

        var operations = new (string Path, string OperationId, string Tag, string Order)[]
        {
            ("/api/v1/tasks/{idOrKey}/activity", "ListTaskActivity", "Activity", "oldest first"),
            ("/api/v1/projects/{projectId}/activity", "ListProjectActivity", "Activity", "newest first"),
            ("/api/v1/projects/{projectId}/events", "ReadChangeFeed", "Activity", "oldest first"),
            ("/api/v1/admin/audit", "ListAuditEntries", "Administration", "newest first"),
            ("/api/v1/admin/audit/verify", "VerifyAuditChain", "Administration", ""),
        };
        foreach (var (path, operationId, tag, order) in operations)
        {
            var operation = paths.GetProperty(path).GetProperty("get");
            Assert.Multiple(() =>
            {
                Assert.That(operation.GetProperty("operationId").GetString(), Is.EqualTo(operationId));
                Assert.That(operation.GetProperty("tags")[0].GetString(), Is.EqualTo(tag));
                Assert.That(operation.GetProperty("summary").GetString(), Does.Contain(order), "the summary says which order the list is in");
                Assert.That(operation.GetProperty("security").GetArrayLength(), Is.EqualTo(1), $"{operationId} requires authentication");
                Assert.That(operation.GetProperty("responses").TryGetProperty("401", out _), Is.True);
            });
        }

        var feed = paths.GetProperty("/api/v1/projects/{projectId}/events").GetProperty("get");
        var feedContent = feed.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.That(feedContent.EnumerateObject().Select(c => c.Name), Is.SupersetOf(new[] { "application/json", "text/event-stream" }));
        var after = feed.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "after");
        Assert.That(after.GetProperty("description").GetString(), Does.Contain("`now`"), "the reserved cursor value is documented");
        var stream = feedContent.GetProperty("text/event-stream");
        var lastEventId = feed.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Last-Event-ID");
        Assert.Multiple(() =>
        {
            Assert.That(feedContent.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString(), Is.EqualTo("#/components/schemas/PageOfFeedEvent"));
            Assert.That(stream.GetProperty("schema").GetProperty("type").GetString(), Is.EqualTo("string"), "a stream is text, framed as the description says");
            Assert.That(stream.GetProperty("schema").GetProperty("description").GetString(), Does.Contain("event:").And.Contain("Last-Event-ID"));
            Assert.That(stream.GetProperty("x-sse-data").GetProperty("$ref").GetString(), Is.EqualTo("#/components/schemas/FeedEvent"));
            Assert.That(lastEventId.GetProperty("in").GetString(), Is.EqualTo("header"));
            Assert.That(lastEventId.TryGetProperty("required", out var required) && required.GetBoolean(), Is.False, "Last-Event-ID is optional");
        });
        var audit = paths.GetProperty("/api/v1/admin/audit").GetProperty("get");
        Assert.That(audit.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()),
            Is.SupersetOf(new[] { "actorId", "action", "entityType", "entityId", "from", "to", "limit", "cursor" }));
        Assert.That(audit.GetProperty("responses").TryGetProperty("403", out _), Is.True);
    }
}
