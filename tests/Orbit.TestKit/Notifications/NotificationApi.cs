using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Notifications;

public sealed record NotificationBody(
    Guid Id, string Kind, Guid ProjectId, Guid TaskId, string TaskKey, Guid ActorId, string Summary, DateTime CreatedAt, DateTime? ReadAt);

public sealed record RegisteredWebhookBody(Guid Id, Guid ProjectId, string Url, string[] Events, string Secret, Guid CreatedBy, DateTime CreatedAt);

public sealed record WebhookBody(Guid Id, Guid ProjectId, string Url, string[] Events, Guid CreatedBy, DateTime CreatedAt, DateTime? DisabledAt, DateTime? FailingSince);

public sealed record AttemptBody(int Attempt, DateTime At, int? StatusCode, int DurationMs, string? Error);

public sealed record DeliveryBody(
    Guid Id, Guid WebhookId, Guid EventId, string EventType, string Status, DateTime? NextAttemptAt, int? LastStatusCode, int? LastDurationMs,
    string? LastError, DateTime CreatedAt, DateTime? DeliveredAt, JsonElement Data, AttemptBody[] Attempts);

/// <summary>Notification and webhook requests the tests repeat.</summary>
public static class NotificationApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>All of the caller's notifications (every page), newest first.</summary>
    public static async Task<List<NotificationBody>> ListAsync(HttpClient client, bool unreadOnly = false)
    {
        var items = new List<NotificationBody>();
        string? cursor = null;
        do
        {
            var url = $"/api/v1/notifications?limit=100{(unreadOnly ? "&unread=true" : "")}{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}";
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            await Expect.Status(response, HttpStatusCode.OK);
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            items.AddRange(page.GetProperty("items").Deserialize<List<NotificationBody>>(Json)!);
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return items;
    }

    /// <summary>The caller's notifications about one task.</summary>
    public static async Task<List<NotificationBody>> AboutAsync(HttpClient client, Guid taskId) =>
        (await ListAsync(client)).Where(n => n.TaskId == taskId).ToList();

    public static async Task<RegisteredWebhookBody> RegisterWebhookAsync(HttpClient client, Guid projectId, string url, params string[] events)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/projects/{projectId}/webhooks", new { url, events });
        await Expect.Status(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<RegisteredWebhookBody>())!;
    }

    public static async Task<List<DeliveryBody>> DeliveriesAsync(HttpClient client, Guid webhookId)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/webhooks/{webhookId}/deliveries?limit=100", UriKind.Relative));
        await Expect.Status(response, HttpStatusCode.OK);
        var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return page.GetProperty("items").Deserialize<List<DeliveryBody>>(Json)!;
    }

    public static async Task<WebhookBody> GetWebhookAsync(HttpClient client, Guid webhookId)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/webhooks/{webhookId}", UriKind.Relative));
        await Expect.Status(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<WebhookBody>())!;
    }

    public static async Task CommentAsync(HttpClient client, string taskKey, string body)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/tasks/{taskKey}/comments", new { body });
        await Expect.Status(response, HttpStatusCode.Created);
    }

    public static string Describe<T>(IEnumerable<T> items) => "[" + string.Join(", ", items) + "]";
}
