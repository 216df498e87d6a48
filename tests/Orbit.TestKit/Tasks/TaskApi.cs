using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Tasks;

public sealed record TaskBody(
    Guid Id,
    string Key,
    Guid ProjectId,
    string Title,
    string? Description,
    string Status,
    string Priority,
    Guid? AssigneeId,
    string[] Labels,
    string? DueDate,
    Guid? ParentId,
    Guid CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? CompletedAt,
    int Version);

public sealed record CommentBody(Guid Id, Guid TaskId, Guid AuthorId, string Body, DateTime CreatedAt, DateTime UpdatedAt, int Version);

/// <summary>Task requests the tests repeat.</summary>
public static class TaskApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<TaskBody> CreateAsync(HttpClient client, Guid projectId, object? body = null)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/projects/{projectId}/tasks", body ?? new { title = "A task" });
        await Expect.Status(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<TaskBody>())!;
    }

    public static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string idOrKey, string json, int? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tasks/{idOrKey}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/merge-patch+json"),
        };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{ifMatch}\""));
        }

        return await client.SendAsync(request);
    }

    public static async Task<TaskBody> GetAsync(HttpClient client, string idOrKey)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/tasks/{idOrKey}", UriKind.Relative));
        await Expect.Status(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<TaskBody>())!;
    }

    /// <summary>Every item of a list, page by page through nextCursor.</summary>
    public static async Task<List<TaskBody>> ListAllAsync(HttpClient client, Guid projectId, string query = "", int limit = 3, Func<Task>? betweenPages = null)
    {
        var items = new List<TaskBody>();
        string? cursor = null;
        do
        {
            var url = $"/api/v1/projects/{projectId}/tasks?limit={limit}{(query.Length > 0 ? "&" + query : "")}{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}";
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            await Expect.Status(response, HttpStatusCode.OK);
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            items.AddRange(page.GetProperty("items").Deserialize<List<TaskBody>>(Json)!);
            cursor = page.GetProperty("nextCursor").GetString();
            if (betweenPages is not null)
            {
                await betweenPages();
            }
        }
        while (cursor is not null && items.Count < 1000);

        return items;
    }

    /// <summary>The integration events stored in tasks.outbox_messages for one task, in the order they were written.</summary>
    public static async Task<List<(string Type, JsonElement Payload)>> StoredEventsAsync(string connectionString, Guid taskId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select type, payload::text from tasks.outbox_messages where payload->>'taskId' = @id order by seq", connection);
        command.Parameters.AddWithValue("id", taskId.ToString());
        var events = new List<(string Type, JsonElement Payload)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add((reader.GetString(0), JsonDocument.Parse(reader.GetString(1)).RootElement));
        }

        return events;
    }
}
