using System.Net;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;

namespace Orbit.Tests.Audit;

public sealed class ChangeFeedTests
{
    private static OrbitApi Api => TestPostgres.Api;

    [Test]
    public async Task Paging_the_feed_from_a_cursor_while_events_arrive_loses_nothing_and_repeats_nothing()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var writer = team.ClientFor("member");
        var reader = team.ClientFor("viewer");
        var created = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            created.Add((await TaskApi.CreateAsync(writer, team.Project.Id, new { title = $"Before {i}" })).Id);
        }

        // Small pages, a new task between pages: the reader always resumes from the last event it saw.
        var seen = new List<FeedItem>();
        string? after = null;
        var expected = 4 + 8;
        await Eventually.True(async () =>
        {
            var (items, _) = await AuditApi.FeedPageAsync(reader, team.Project.Id, after, limit: 3);
            seen.AddRange(items);
            after = items.Count > 0 ? items[^1].Id : after;
            if (created.Count < expected)
            {
                created.Add((await TaskApi.CreateAsync(writer, team.Project.Id, new { title = $"During {created.Count}" })).Id);
            }

            // The team's events come from another publisher and may be relayed later than the tasks: wait for them too.
            return TaskIdsOf(seen).Count >= expected && seen.Count(e => e.Type == "member.added") == 4;
        }, "every task.created and member.added in the feed");

        var everything = await AllAsync(reader, team.Project.Id);
        Assert.Multiple(() =>
        {
            Assert.That(seen.Select(e => e.Id), Is.Unique, "nothing repeated");
            Assert.That(seen.Select(e => e.Id), Is.EqualTo(everything.Select(e => e.Id).Take(seen.Count)), "nothing lost, in commit order");
            Assert.That(TaskIdsOf(seen), Is.EquivalentTo(created));
            Assert.That(seen.Count(e => e.Type == "member.added"), Is.EqualTo(4));
            Assert.That(seen.Select(e => e.Data.GetProperty("projectId").GetGuid()), Has.All.EqualTo(team.Project.Id));
        });
    }

    [Test]
    public async Task A_feed_page_says_when_more_is_waiting_and_links_to_it()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var reader = team.ClientFor("viewer");
        // project.created and four member.added.
        await Eventually.True(async () => (await AllAsync(reader, team.Project.Id)).Count >= 5, "the team's events");

        using var response = await reader.GetAsync(new Uri($"/api/v1/projects/{team.Project.Id}/events?limit=2", UriKind.Relative));
        await Expect.Status(response, HttpStatusCode.OK);
        var (items, next) = await AuditApi.FeedPageAsync(reader, team.Project.Id, null, 2);

        Assert.That(next, Is.EqualTo(items[^1].Id), "the next page continues after the last item");
        Assert.That(response.Headers.GetValues("Link").Single(), Does.Contain("after=").And.Contain("rel=\"next\""));
        var (rest, _) = await AuditApi.FeedPageAsync(reader, team.Project.Id, next, 100);
        Assert.That(rest.Select(e => e.Id), Does.Not.Contain(items[0].Id).And.Not.Contain(items[1].Id));
    }

    [Test]
    public async Task The_event_stream_sends_what_follows_Last_Event_ID_then_resumes_from_the_last_id_with_only_later_events()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var writer = team.ClientFor("member");
        var reader = team.ClientFor("viewer");
        var first = await TaskApi.CreateAsync(writer, team.Project.Id, new { title = "First" });
        var firstEvent = (await Eventually.Get(
            () => AllAsync(reader, team.Project.Id), events => TaskIdsOf(events).Contains(first.Id), "the first task in the feed"))[^1];

        List<FeedItem> streamed;
        using (var response = await AuditApi.OpenStreamAsync(reader, team.Project.Id, lastEventId: firstEvent.Id))
        {
            await Expect.Status(response, HttpStatusCode.OK);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
            using var events = new EventStreamReader(await response.Content.ReadAsStreamAsync());
            var second = await TaskApi.CreateAsync(writer, team.Project.Id, new { title = "Second" });
            var third = await TaskApi.CreateAsync(writer, team.Project.Id, new { title = "Third" });

            streamed = await events.ReadUntilAsync(e => TaskIdsOf(e).Contains(third.Id));
            Assert.That(TaskIdsOf(streamed), Is.EqualTo(new[] { second.Id, third.Id }));
        }

        // Events of different aggregates (and publishers) may be relayed in either order, so the stream is compared with
        // the feed itself: exactly what follows Last-Event-ID, in order.
        Assert.That(streamed.Select(e => e.Id), Is.EqualTo(After(await AllAsync(reader, team.Project.Id), firstEvent.Id).Take(streamed.Count)));

        // The connection dropped; a task is created meanwhile; the client reconnects with the last id it saw.
        var fourth = await TaskApi.CreateAsync(writer, team.Project.Id, new { title = "Fourth" });
        using (var response = await AuditApi.OpenStreamAsync(reader, team.Project.Id, lastEventId: streamed[^1].Id, after: firstEvent.Id))
        {
            await Expect.Status(response, HttpStatusCode.OK);
            using var events = new EventStreamReader(await response.Content.ReadAsStreamAsync());
            var resumed = await events.ReadUntilAsync(e => TaskIdsOf(e).Contains(fourth.Id));

            Assert.That(TaskIdsOf(resumed), Is.EqualTo(new[] { fourth.Id }));
            Assert.That(resumed.Select(e => e.Id), Is.EqualTo(After(await AllAsync(reader, team.Project.Id), streamed[^1].Id).Take(resumed.Count)),
                "only what followed the last id seen (Last-Event-ID wins over after), nothing repeated");
        }
    }

    [Test]
    public async Task Reading_the_feed_after_now_returns_no_old_events_and_a_cursor_that_yields_exactly_the_next_new_event()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var writer = team.ClientFor("member");
        var reader = team.ClientFor("viewer");
        var old = await TaskApi.CreateAsync(writer, team.Project.Id, new { title = "Old" });
        var history = await WaitForHistoryAsync(reader, team.Project.Id, old.Id);

        var (items, head) = await AuditApi.FeedPageAsync(reader, team.Project.Id, "now", 100);
        Assert.Multiple(() =>
        {
            Assert.That(items, Is.Empty, "nothing old");
            Assert.That(head, Is.EqualTo(history[^1].Id), "the cursor is the newest event");
        });

        var next = await TaskApi.CreateAsync(writer, team.Project.Id, new { title = "Next" });
        var (newer, _) = await Eventually.Get(
            () => AuditApi.FeedPageAsync(reader, team.Project.Id, head, 100), page => page.Items.Count > 0, "the next event after the head");

        Assert.That(newer.Select(e => (e.Type, TaskId: e.Data.GetProperty("taskId").GetGuid())), Is.EqualTo(new[] { ("task.created", next.Id) }));
    }

    [Test]
    public async Task The_event_stream_after_now_sends_only_events_committed_after_the_request()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var writer = team.ClientFor("member");
        var reader = team.ClientFor("viewer");
        var old = await TaskApi.CreateAsync(writer, team.Project.Id, new { title = "Old" });
        var history = await WaitForHistoryAsync(reader, team.Project.Id, old.Id);

        using var response = await AuditApi.OpenStreamAsync(reader, team.Project.Id, after: "now");
        await Expect.Status(response, HttpStatusCode.OK);
        using var events = new EventStreamReader(await response.Content.ReadAsStreamAsync());
        // The response has started, so the head is fixed: this task is committed after it.
        var fresh = await TaskApi.CreateAsync(writer, team.Project.Id, new { title = "Fresh" });

        var streamed = await events.ReadUntilAsync(e => TaskIdsOf(e).Contains(fresh.Id));
        Assert.Multiple(() =>
        {
            Assert.That(streamed.Select(e => e.Type), Is.EqualTo(new[] { "task.created" }), "the first message is the new event, nothing older");
            Assert.That(TaskIdsOf(streamed), Is.EqualTo(new[] { fresh.Id }));
        });
        Assert.That(streamed.Select(e => e.Id), Is.EqualTo(After(await AllAsync(reader, team.Project.Id), history[^1].Id)));
    }

    [Test]
    public async Task Last_Event_ID_wins_over_after_now()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var writer = team.ClientFor("member");
        var reader = team.ClientFor("viewer");
        var first = await TaskApi.CreateAsync(writer, team.Project.Id, new { title = "First" });
        var firstEvent = (await WaitForHistoryAsync(reader, team.Project.Id, first.Id))[^1];
        var second = await TaskApi.CreateAsync(writer, team.Project.Id, new { title = "Second" });
        await WaitForHistoryAsync(reader, team.Project.Id, second.Id);

        using var response = await AuditApi.OpenStreamAsync(reader, team.Project.Id, lastEventId: firstEvent.Id, after: "now");
        await Expect.Status(response, HttpStatusCode.OK);
        using var events = new EventStreamReader(await response.Content.ReadAsStreamAsync());

        var streamed = await events.ReadUntilAsync(e => TaskIdsOf(e).Contains(second.Id));
        Assert.That(TaskIdsOf(streamed), Is.EqualTo(new[] { second.Id }), "what followed Last-Event-ID, though it is older than the request");
    }

    [Test]
    public async Task The_feed_is_for_members_only_and_rejects_a_cursor_it_did_not_issue()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);

        using var outsiderPage = await team.ClientFor("none").GetAsync(new Uri($"/api/v1/projects/{team.Project.Id}/events", UriKind.Relative));
        using var outsiderStream = await AuditApi.OpenStreamAsync(team.ClientFor("none"), team.Project.Id);
        using var badAfter = await team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/projects/{team.Project.Id}/events?after=nope", UriKind.Relative));
        using var badLastEventId = await AuditApi.OpenStreamAsync(team.ClientFor("viewer"), team.Project.Id, lastEventId: "nope");
        using var viewer = await team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/projects/{team.Project.Id}/events", UriKind.Relative));

        await Expect.Problem(outsiderPage, HttpStatusCode.NotFound);
        await Expect.Problem(outsiderStream, HttpStatusCode.NotFound);
        await Expect.ValidationError(badAfter, "after");
        await Expect.ValidationError(badLastEventId, "Last-Event-ID");
        await Expect.Status(viewer, HttpStatusCode.OK);
    }

    /// <summary>
    /// Waits until the team's events (project.created, four member.added) and the task's task.created are all in the
    /// feed, so that nothing older can arrive later, and returns the feed.
    /// </summary>
    private static Task<List<FeedItem>> WaitForHistoryAsync(HttpClient reader, Guid projectId, Guid taskId) =>
        Eventually.Get(
            () => AllAsync(reader, projectId),
            feed => TaskIdsOf(feed).Contains(taskId) && feed.Count(e => e.Type == "member.added") == 4 && feed.Any(e => e.Type == "project.created"),
            "the team's events and the task in the feed");

    private static IEnumerable<string> After(List<FeedItem> feed, string cursor) =>
        feed.SkipWhile(e => e.Id != cursor).Skip(1).Select(e => e.Id);

    private static List<Guid> TaskIdsOf(IEnumerable<FeedItem> events) =>
        events.Where(e => e.Type == "task.created").Select(e => e.Data.GetProperty("taskId").GetGuid()).ToList();

    private static async Task<List<FeedItem>> AllAsync(HttpClient client, Guid projectId)
    {
        var all = new List<FeedItem>();
        string? after = null;
        while (true)
        {
            var (items, next) = await AuditApi.FeedPageAsync(client, projectId, after, 100);
            all.AddRange(items);
            if (next is null)
            {
                return all;
            }

            after = next;
        }
    }
}
