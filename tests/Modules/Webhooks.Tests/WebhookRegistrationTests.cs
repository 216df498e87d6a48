using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orbit.Tests.Infrastructure;
using static Orbit.Tests.Notifications.NotificationApi;

namespace Orbit.Tests.Notifications;

public sealed class WebhookRegistrationTests
{
    private static OrbitApi Api => TestPostgres.Api;

    [TestCase(null, "url")]
    [TestCase("", "url")]
    [TestCase("/relative/path", "url")]
    [TestCase("ftp://example.com/hook", "url")]
    [TestCase("https://user:password@example.com/hook", "url")]
    public async Task A_webhook_needs_an_absolute_http_url_without_credentials(string? url, string field)
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        using var response = await team.ClientFor("maintainer").PostAsJsonAsync($"/api/v1/projects/{team.Project.Id}/webhooks", new { url, events = new[] { "task.created" } });
        await Expect.ValidationError(response, field);
    }

    [Test]
    public async Task A_webhook_needs_known_event_types_or_a_star()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        foreach (var events in new string[]?[] { null, [], ["task.created", "task.exploded"], ["user.registered"] })
        {
            using var response = await maintainer.PostAsJsonAsync($"/api/v1/projects/{team.Project.Id}/webhooks", new { url = "https://example.com/hook", events });
            var problem = await Expect.ValidationError(response, "events");
            if (events is { Length: > 0 })
            {
                Assert.That(problem.GetProperty("errors").GetProperty("events")[0].GetString(), Does.Contain(events[^1]).And.Contain("task.created"));
            }
        }
    }

    [Test]
    public async Task A_maintainer_registers_a_webhook_and_sees_its_secret_only_in_that_response()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");

        using var response = await maintainer.PostAsJsonAsync($"/api/v1/projects/{team.Project.Id}/webhooks",
            new { url = "https://example.com/hooks/orbit", events = new[] { "task.created", "comment.added", "task.created" } });

        await Expect.Status(response, HttpStatusCode.Created);
        var webhook = (await response.Content.ReadFromJsonAsync<RegisteredWebhookBody>())!;
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/webhooks/{webhook.Id}"));
            Assert.That(webhook.Url, Is.EqualTo("https://example.com/hooks/orbit"));
            Assert.That(webhook.Events, Is.EqualTo(new[] { "task.created", "comment.added" }));
            Assert.That(webhook.Secret, Does.StartWith("whsec_"));
            Assert.That(Convert.FromBase64String(webhook.Secret["whsec_".Length..]), Has.Length.EqualTo(32));
            Assert.That(webhook.CreatedBy, Is.EqualTo(team.UserFor("maintainer").Id));
        });

        var listed = await maintainer.GetStringAsync(new Uri($"/api/v1/projects/{team.Project.Id}/webhooks", UriKind.Relative));
        var single = await maintainer.GetStringAsync(new Uri($"/api/v1/webhooks/{webhook.Id}", UriKind.Relative));
        Assert.Multiple(() =>
        {
            Assert.That(JsonDocument.Parse(listed).RootElement.GetProperty("items")[0].GetProperty("id").GetGuid(), Is.EqualTo(webhook.Id));
            Assert.That(listed, Does.Not.Contain(webhook.Secret[6..]).And.Not.Contain("secret"));
            Assert.That(single, Does.Not.Contain(webhook.Secret[6..]).And.Not.Contain("secret"));
        });
    }

    [Test]
    public async Task Webhooks_are_for_maintainers_a_member_gets_403_and_an_outsider_404()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var webhook = await RegisterWebhookAsync(team.ClientFor("owner"), team.Project.Id, "https://example.com/hook", "*");
        var body = new { url = "https://example.com/hook", events = new[] { "*" } };

        foreach (var (role, status) in new[] { ("member", HttpStatusCode.Forbidden), ("none", HttpStatusCode.NotFound) })
        {
            var client = team.ClientFor(role);
            using var register = await client.PostAsJsonAsync($"/api/v1/projects/{team.Project.Id}/webhooks", body);
            using var list = await client.GetAsync(new Uri($"/api/v1/projects/{team.Project.Id}/webhooks", UriKind.Relative));
            using var deliveries = await client.GetAsync(new Uri($"/api/v1/webhooks/{webhook.Id}/deliveries", UriKind.Relative));
            using var delete = await client.DeleteAsync(new Uri($"/api/v1/webhooks/{webhook.Id}", UriKind.Relative));
            await Expect.Problem(register, status);
            await Expect.Problem(list, status);
            await Expect.Problem(deliveries, status);
            await Expect.Problem(delete, status);
        }

        using var unknown = await team.ClientFor("owner").GetAsync(new Uri($"/api/v1/webhooks/{Guid.CreateVersion7()}/deliveries", UriKind.Relative));
        await Expect.Problem(unknown, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Deleting_a_webhook_removes_it_with_its_delivery_log()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        var webhook = await RegisterWebhookAsync(maintainer, team.Project.Id, "https://example.com/hook", "*");

        using (var delete = await maintainer.DeleteAsync(new Uri($"/api/v1/webhooks/{webhook.Id}", UriKind.Relative)))
        {
            await Expect.Status(delete, HttpStatusCode.NoContent);
        }

        using var get = await maintainer.GetAsync(new Uri($"/api/v1/webhooks/{webhook.Id}", UriKind.Relative));
        using var deliveries = await maintainer.GetAsync(new Uri($"/api/v1/webhooks/{webhook.Id}/deliveries", UriKind.Relative));
        await Expect.Problem(get, HttpStatusCode.NotFound);
        await Expect.Problem(deliveries, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task The_openapi_document_describes_every_notifications_and_webhooks_endpoint()
    {
        using var client = Api.CreateClient();
        var paths = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement.GetProperty("paths");
        var operations = new (string Path, string Method, string OperationId)[]
        {
            ("/api/v1/notifications", "get", "ListNotifications"),
            ("/api/v1/notifications/{notificationId}/read", "post", "MarkNotificationRead"),
            ("/api/v1/notifications/read-all", "post", "MarkAllNotificationsRead"),
            ("/api/v1/projects/{projectId}/webhooks", "post", "RegisterWebhook"),
            ("/api/v1/projects/{projectId}/webhooks", "get", "ListWebhooks"),
            ("/api/v1/webhooks/{webhookId}", "get", "GetWebhook"),
            ("/api/v1/webhooks/{webhookId}", "delete", "DeleteWebhook"),
            ("/api/v1/webhooks/{webhookId}/deliveries", "get", "ListWebhookDeliveries"),
            ("/api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", "post", "RedeliverWebhookDelivery"),
        };
        foreach (var (path, method, operationId) in operations)
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.Multiple(() =>
            {
                Assert.That(operation.GetProperty("operationId").GetString(), Is.EqualTo(operationId));
                Assert.That(operation.GetProperty("summary").GetString(), Is.Not.Empty);
                Assert.That(operation.GetProperty("security").GetArrayLength(), Is.EqualTo(1), $"{operationId} requires authentication");
            });
        }
    }
}
