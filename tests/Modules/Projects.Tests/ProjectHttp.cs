using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Projects;

/// <summary>Requests and reads the project tests share, beside the tests that use them.</summary>
internal static class ProjectHttp
{
    public static Uri Url(string path) => new(path, UriKind.Relative);

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static Task<HttpResponseMessage> GetProjectAsync(HttpClient client, Guid projectId) =>
        client.GetAsync(Url($"/api/v1/projects/{projectId}"));

    public static Task<HttpResponseMessage> PatchAsync(HttpClient client, Guid projectId, object body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, Url($"/api/v1/projects/{projectId}")) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> ArchiveAsync(HttpClient client, Guid projectId, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, Url($"/api/v1/projects/{projectId}"));
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> RestoreAsync(HttpClient client, Guid projectId) =>
        client.PostAsync(Url($"/api/v1/projects/{projectId}/restore"), null);

    public static Task<HttpResponseMessage> PutMemberAsync(HttpClient client, Guid projectId, Guid userId, object body) =>
        client.PutAsJsonAsync($"/api/v1/projects/{projectId}/members/{userId}", body);

    public static Task<HttpResponseMessage> RemoveMemberAsync(HttpClient client, Guid projectId, Guid userId) =>
        client.DeleteAsync(Url($"/api/v1/projects/{projectId}/members/{userId}"));

    public static async Task<List<JsonElement>> MembersAsync(HttpClient client, Guid projectId)
    {
        using var response = await client.GetAsync(Url($"/api/v1/projects/{projectId}/members?limit=100"));
        await Expect.Status(response, System.Net.HttpStatusCode.OK);
        return [.. (await JsonAsync(response)).GetProperty("items").EnumerateArray()];
    }

    /// <summary>Every project id of a list, following nextCursor to the end.</summary>
    public static async Task<List<Guid>> AllPagesAsync(HttpClient client, string query)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            using var response = await client.GetAsync(Url($"/api/v1/projects?{query}&limit=100" + (cursor is null ? "" : "&cursor=" + cursor)));
            await Expect.Status(response, System.Net.HttpStatusCode.OK);
            var page = await JsonAsync(response);
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return ids;
    }

    public static string ETagOf(HttpResponseMessage response) => response.Headers.ETag?.Tag ?? "";
}

/// <summary>What Projects wrote to its outbox, read straight from the database as the relay would.</summary>
internal sealed record OutboxEvent(string Type, JsonElement Payload, long TransactionId);

internal static class ProjectOutbox
{
    // transaction_id is the transaction that inserted the message (its low 32 bits are what xmin shows on the rows that
    // transaction wrote): equal ids mean "committed together". The message's own xmin moves when the relay dispatches it.
    private const string Sql = """
        select type, payload::text, (transaction_id::text::numeric % 4294967296)::bigint
        from projects.outbox_messages
        where payload->>'projectId' = @ProjectId
        order by occurred_at, id
        """;

    public static async Task<List<OutboxEvent>> EventsOfAsync(Guid projectId)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.AddWithValue("ProjectId", projectId.ToString());
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<OutboxEvent>();
        while (await reader.ReadAsync())
        {
            events.Add(new OutboxEvent(reader.GetString(0), JsonDocument.Parse(reader.GetString(1)).RootElement.Clone(), reader.GetInt64(2)));
        }

        return events;
    }

    /// <summary>The transaction that last wrote a row of a projects table (its xmin).</summary>
    public static async Task<long> TransactionOfAsync(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
