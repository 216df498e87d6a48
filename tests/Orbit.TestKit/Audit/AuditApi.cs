using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Audit;

public sealed record ActivityEntry(
    long Id,
    string Action,
    Guid? ActorId,
    string EntityType,
    Guid EntityId,
    string? TaskKey,
    Guid? ProjectId,
    JsonElement? Changes,
    DateTime OccurredAt,
    string? TraceId)
{
    /// <summary>The change of one field: its before and after as JSON text ("null" for nothing).</summary>
    public (string Before, string After) Change(string field)
    {
        var change = Changes!.Value.GetProperty(field);
        return (change.GetProperty("before").GetRawText(), change.GetProperty("after").GetRawText());
    }
}

/// <summary>A list as last seen, printable when an eventually-assertion gives up.</summary>
public sealed record ActivityLog(IReadOnlyList<ActivityEntry> Entries)
{
    public IEnumerable<string> Actions => Entries.Select(e => e.Action);

    public override string ToString() => $"[{string.Join(", ", Entries.Select(e => $"{e.Id}:{e.Action}"))}]";
}

public sealed record FeedItem(string Id, string Type, DateTime OccurredAt, JsonElement Data)
{
    public override string ToString() => $"{Type}({Id})";
}

/// <summary>Audit requests the tests repeat. Audit rows follow changes through the outbox, so reads wait for them.</summary>
public static class AuditApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Every entry of an activity or audit list, page by page through nextCursor (checking the Link header too).</summary>
    /// <param name="notFoundIsEmpty">A task's activity is 404 until audit has heard of the task: read that as "nothing yet".</param>
    public static async Task<ActivityLog> ListAllAsync(HttpClient client, string url, int limit = 100, bool notFoundIsEmpty = false)
    {
        var entries = new List<ActivityEntry>();
        string? cursor = null;
        var separator = url.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        do
        {
            using var response = await client.GetAsync(new Uri(
                $"{url}{separator}limit={limit}{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", UriKind.Relative));
            if (notFoundIsEmpty && cursor is null && response.StatusCode == HttpStatusCode.NotFound)
            {
                return new ActivityLog([]);
            }

            await Expect.Status(response, HttpStatusCode.OK);
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            entries.AddRange(page.GetProperty("items").Deserialize<List<ActivityEntry>>(Json)!);
            cursor = page.GetProperty("nextCursor").GetString();
            Assert.That(response.Headers.Contains("Link"), Is.EqualTo(cursor is not null), "Link rel=next exactly when there is a next page");
        }
        while (cursor is not null && entries.Count < 5000);

        return new ActivityLog(entries);
    }

    /// <summary>Waits until the list holds at least <paramref name="count"/> entries, and returns them.</summary>
    public static Task<ActivityLog> WaitForAsync(HttpClient client, string url, int count, int limit = 100) =>
        Eventually.Get(() => ListAllAsync(client, url, limit, notFoundIsEmpty: true), log => log.Entries.Count >= count, $"{count} entries at {url}");

    public static Task<ActivityLog> WaitForAsync(HttpClient client, string url, Func<ActivityLog, bool> until, string what, int limit = 100) =>
        Eventually.Get(() => ListAllAsync(client, url, limit, notFoundIsEmpty: true), until, what);

    public static async Task<(List<FeedItem> Items, string? NextCursor)> FeedPageAsync(HttpClient client, Guid projectId, string? after, int limit)
    {
        using var response = await client.GetAsync(new Uri(
            $"/api/v1/projects/{projectId}/events?limit={limit}{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}", UriKind.Relative));
        await Expect.Status(response, HttpStatusCode.OK);
        var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (page.GetProperty("items").Deserialize<List<FeedItem>>(Json)!, page.GetProperty("nextCursor").GetString());
    }

    public static async Task<HttpResponseMessage> OpenStreamAsync(HttpClient client, Guid projectId, string? lastEventId = null, string? after = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/api/v1/projects/{projectId}/events{(after is null ? "" : "?after=" + Uri.EscapeDataString(after))}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}

/// <summary>
/// Reads Server-Sent Events frames (<c>id:</c>, <c>event:</c>, <c>data:</c>, blank line) from an open response, checking
/// that each message's <c>id</c> is its cursor and its <c>event</c> its type.
/// </summary>
public sealed class EventStreamReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream);

    /// <summary>Comment lines seen (<c>: keep-alive</c>).</summary>
    public int Comments { get; private set; }

    /// <summary>The <c>reason</c> of the stream's <c>session.ended</c> message, once read.</summary>
    public string? EndedReason { get; private set; }

    /// <summary>
    /// Reads until the server ends the stream (or the deadline passes), and returns the reason its last message gave
    /// (<c>session.ended</c>), or null when it ended without one.
    /// </summary>
    public async Task<string?> ReadToEndAsync(TimeSpan deadline)
    {
        try
        {
            await ReadUntilAsync(_ => false, deadline);
        }
        catch (EndOfStreamException)
        {
            return EndedReason;
        }

        return EndedReason;
    }

    /// <summary>Reads events until <paramref name="until"/> holds for those read so far, or the deadline passes.</summary>
    public async Task<List<FeedItem>> ReadUntilAsync(Func<List<FeedItem>, bool> until, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? Eventually.DefaultDeadline);
        var events = new List<FeedItem>();
        string? id = null;
        string? name = null;
        var data = new List<string>();
        try
        {
            while (!until(events))
            {
                var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("The server ended the stream.");
                if (line.Length == 0)
                {
                    if (name == "session.ended")
                    {
                        Assert.That(id, Is.Null, "the end of a session is not an event: it has no id to resume from");
                        EndedReason = JsonDocument.Parse(string.Join('\n', data)).RootElement.GetProperty("reason").GetString();
                    }
                    else if (data.Count > 0)
                    {
                        var item = JsonSerializer.Deserialize<FeedItem>(string.Join('\n', data), AuditApi.Json)!;
                        Assert.That(item.Id, Is.EqualTo(id), "the SSE id is the event's cursor");
                        Assert.That(name, Is.EqualTo(item.Type), "the SSE event is the event's type");
                        events.Add(item);
                    }

                    id = null;
                    name = null;
                    data.Clear();
                }
                else if (line.StartsWith(':'))
                {
                    Comments++;
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line["id: ".Length..];
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Add(line["data: ".Length..]);
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"Waited {(deadline ?? Eventually.DefaultDeadline).TotalSeconds:F0} s for events; got [{string.Join(", ", events)}]");
        }

        return events;
    }

    public void Dispose() => _reader.Dispose();
}
