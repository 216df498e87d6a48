using System.Text.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Projects;

public sealed class ProjectOpenApiTests
{
    [Test]
    public async Task The_openapi_document_describes_every_projects_endpoint()
    {
        using var client = TestPostgres.Api.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
        var paths = document.GetProperty("paths");

        var operations = new (string Path, string Method, string OperationId)[]
        {
            ("/api/v1/projects", "post", "CreateProject"),
            ("/api/v1/projects", "get", "ListProjects"),
            ("/api/v1/projects/{projectId}", "get", "GetProject"),
            ("/api/v1/projects/{projectId}", "patch", "UpdateProject"),
            ("/api/v1/projects/{projectId}", "delete", "ArchiveProject"),
            ("/api/v1/projects/{projectId}/restore", "post", "RestoreProject"),
            ("/api/v1/projects/{projectId}/members", "get", "ListProjectMembers"),
            ("/api/v1/projects/{projectId}/members/{userId}", "put", "SetProjectMember"),
            ("/api/v1/projects/{projectId}/members/{userId}", "delete", "RemoveProjectMember"),
        };
        foreach (var (path, method, operationId) in operations)
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.Multiple(() =>
            {
                Assert.That(operation.GetProperty("operationId").GetString(), Is.EqualTo(operationId));
                Assert.That(operation.GetProperty("tags")[0].GetString(), Is.EqualTo("Projects"));
                Assert.That(operation.GetProperty("summary").GetString(), Is.Not.Empty);
                Assert.That(operation.GetProperty("security").GetArrayLength(), Is.EqualTo(1), $"{operationId} requires authentication");
                Assert.That(operation.GetProperty("responses").TryGetProperty("401", out _), Is.True);
            });
        }

        var patch = paths.GetProperty("/api/v1/projects/{projectId}").GetProperty("patch");
        Assert.That(patch.GetProperty("responses").EnumerateObject().Select(r => r.Name), Is.SupersetOf(new[] { "200", "400", "403", "404", "409", "412" }));
        Assert.That(patch.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Does.Contain("If-Match"));
        var create = paths.GetProperty("/api/v1/projects").GetProperty("post");
        Assert.That(create.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Does.Contain("Idempotency-Key"));
        Assert.That(create.GetProperty("responses").EnumerateObject().Select(r => r.Name), Is.SupersetOf(new[] { "201", "400", "409", "422" }));

        // The merge-patch body documents the two fields, not the presence flags behind them.
        var patchBody = patch.GetProperty("requestBody").ToString();
        Assert.That(patchBody, Does.Contain("UpdateProjectRequest"));
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty("UpdateProjectRequest").GetProperty("properties");
        Assert.That(schema.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "name", "description" }));
    }
}
