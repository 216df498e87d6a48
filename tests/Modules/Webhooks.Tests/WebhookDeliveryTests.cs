using System.Net;
using System.Text.Json;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;
using static Orbit.Tests.Notifications.NotificationApi;

namespace Orbit.Tests.Notifications;

/// <summary>
/// Webhooks end to end: a change commits, the relay hands its event to the webhooks consumer, the dispatcher sends
/// it to a receiver on loopback (the test host allows private networks and retries within milliseconds).
/// </summary>
public sealed class WebhookDeliveryTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private static Task<IReadOnlyList<ReceivedWebhook>> ReceivedAsync(WebhookReceiver receiver, int count, string what) =>
        Eventually.Get(() => Task.FromResult(receiver.Received), r => r.Count >= count, what);

    [Test]
    public async Task A_created_task_is_posted_signed_the_Standard_Webhooks_way()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var webhook = await RegisterWebhookAsync(team.ClientFor("maintainer"), team.Project.Id, receiver.Url, "task.created");

        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Ship it" });
        var request = (await ReceivedAsync(receiver, 1, "the task.created delivery")).Single();

        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(WebhookReceiver.HasValidSignature(request, webhook.Secret), Is.True, "the signature verifies with the secret");
            Assert.That(WebhookReceiver.HasValidSignature(request, "whsec_" + Convert.ToBase64String(new byte[32])), Is.False, "and with no other");
            Assert.That(request.Event, Is.EqualTo("task.created"));
            Assert.That(request.ContentType, Does.StartWith("application/json"));
            Assert.That(body.GetProperty("id").GetString(), Is.EqualTo(request.Id), "webhook-id is the event id");
            Assert.That(body.GetProperty("type").GetString(), Is.EqualTo("task.created"));
            Assert.That(body.GetProperty("timestamp").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"));
            Assert.That(body.GetProperty("data").GetProperty("occurredAt").GetString(), Is.EqualTo(body.GetProperty("timestamp").GetString()),
                "data's timestamps are in the envelope's format (UTC, milliseconds, Z)");
            Assert.That(body.GetProperty("data").GetProperty("taskId").GetGuid(), Is.EqualTo(task.Id));
            Assert.That(body.GetProperty("data").GetProperty("title").GetString(), Is.EqualTo("Ship it"));
        });

        var delivery = (await Eventually.Get(() => DeliveriesAsync(team.ClientFor("maintainer"), webhook.Id), d => d.Any(x => x.Status == "succeeded"), "the delivery recorded as succeeded")).Single();
        Assert.Multiple(() =>
        {
            Assert.That(delivery.EventType, Is.EqualTo("task.created"));
            Assert.That(delivery.EventId.ToString(), Is.EqualTo(request.Id));
            Assert.That(delivery.DeliveredAt, Is.Not.Null);
            Assert.That(delivery.NextAttemptAt, Is.Null);
            Assert.That(delivery.Data.GetProperty("taskId").GetGuid(), Is.EqualTo(task.Id));
            Assert.That(delivery.Data.GetProperty("occurredAt").GetString(), Is.EqualTo(body.GetProperty("timestamp").GetString()));
            Assert.That(delivery.Attempts, Has.Length.EqualTo(1));
            Assert.That(delivery.Attempts[0].StatusCode, Is.EqualTo(204));
            Assert.That(delivery.Attempts[0].Error, Is.Null);
            Assert.That(delivery.Attempts[0].DurationMs, Is.GreaterThanOrEqualTo(0));
        });
    }

    [Test]
    public async Task Creating_assigning_updating_and_commenting_each_deliver_their_event_and_the_filter_holds_back_the_rest()
    {
        await using var everything = await WebhookReceiver.StartAsync();
        await using var commentsOnly = await WebhookReceiver.StartAsync();
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        await RegisterWebhookAsync(maintainer, team.Project.Id, everything.Url, "*");
        await RegisterWebhookAsync(maintainer, team.Project.Id, commentsOnly.Url, "comment.added");

        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Lifecycle", assigneeId = team.UserFor("member").Id });
        using (var patch = await TaskApi.PatchAsync(team.ClientFor("member"), task.Key, """{"title":"Lifecycle, renamed"}"""))
        {
            await Expect.Status(patch, HttpStatusCode.OK);
        }

        await CommentAsync(team.ClientFor("owner"), task.Key, "Nice");

        var all = await ReceivedAsync(everything, 4, "four events of the task");
        var comments = await ReceivedAsync(commentsOnly, 1, "the comment event");
        Assert.That(all.Select(r => r.Event), Is.EquivalentTo(new[] { "task.created", "task.assigned", "task.updated", "comment.added" }));
        // The comment is the task's last event and the task's events are handled in order: nothing else is coming.
        Assert.That(comments.Select(r => r.Event), Is.EqualTo(new[] { "comment.added" }));
        Assert.That(JsonDocument.Parse(comments[0].Body).RootElement.GetProperty("data").GetProperty("body").GetString(), Is.EqualTo("Nice"));
    }

    [Test]
    public async Task A_failing_receiver_gets_retries_with_the_same_webhook_id_until_it_takes_the_event()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        var webhook = await RegisterWebhookAsync(maintainer, team.Project.Id, receiver.Url, "task.created");

        await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Eventually" });

        var requests = await ReceivedAsync(receiver, 3, "two failed attempts and a successful one");
        Assert.Multiple(() =>
        {
            Assert.That(requests.Select(r => r.Answered), Is.EqualTo(new[] { 500, 500, 204 }));
            Assert.That(requests.Select(r => r.Id).Distinct().Count(), Is.EqualTo(1), "webhook-id stays the same across retries");
            Assert.That(requests.Select(r => r.Body).Distinct().Count(), Is.EqualTo(1), "the body stays the same across retries");
            Assert.That(requests.All(r => WebhookReceiver.HasValidSignature(r, webhook.Secret)), Is.True);
        });

        var delivery = (await Eventually.Get(() => DeliveriesAsync(maintainer, webhook.Id), d => d.Any(x => x.Status == "succeeded"), "the delivery recorded as succeeded")).Single();
        Assert.Multiple(() =>
        {
            Assert.That(delivery.Attempts.Select(a => a.Attempt), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(delivery.Attempts.Select(a => a.StatusCode), Is.EqualTo(new int?[] { 500, 500, 204 }));
            Assert.That(delivery.Attempts[0].Error, Does.Contain("HTTP 500").And.Contain("receiver is down"));
            Assert.That(delivery.Attempts[1].At, Is.GreaterThan(delivery.Attempts[0].At), "retries come later");
            Assert.That(delivery.Attempts[2].Error, Is.Null);
            Assert.That(delivery.LastStatusCode, Is.EqualTo(204));
        });
        var healthy = await GetWebhookAsync(maintainer, webhook.Id);
        Assert.That(healthy.FailingSince, Is.Null, "a success clears the failing mark");
    }

    [Test]
    public async Task A_receiver_that_never_answers_well_gets_the_configured_attempts_and_the_delivery_fails()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        var webhook = await RegisterWebhookAsync(maintainer, team.Project.Id, receiver.Url, "task.created");

        await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Doomed" });

        // The test host allows 5 attempts (Webhooks:MaxAttempts).
        var delivery = (await Eventually.Get(() => DeliveriesAsync(maintainer, webhook.Id), d => d.Any(x => x.Status == "failed"), "the delivery to be given up")).Single();
        Assert.Multiple(() =>
        {
            Assert.That(delivery.Attempts, Has.Length.EqualTo(5));
            Assert.That(delivery.NextAttemptAt, Is.Null);
            Assert.That(delivery.LastStatusCode, Is.EqualTo(500));
            Assert.That(receiver.Received, Has.Count.EqualTo(5));
        });
        Assert.That((await GetWebhookAsync(maintainer, webhook.Id)).FailingSince, Is.Not.Null);
    }

    [Test]
    public async Task Redelivering_sends_a_finished_delivery_once_more_with_the_same_webhook_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        var webhook = await RegisterWebhookAsync(maintainer, team.Project.Id, receiver.Url, "task.created");
        await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Again" });
        var delivery = (await Eventually.Get(() => DeliveriesAsync(maintainer, webhook.Id), d => d.Any(x => x.Status == "succeeded"), "the first delivery")).Single();

        using (var redeliver = await maintainer.PostAsync(new Uri($"/api/v1/webhooks/{webhook.Id}/deliveries/{delivery.Id}/redeliver", UriKind.Relative), null))
        {
            await Expect.Status(redeliver, HttpStatusCode.Accepted);
        }

        var requests = await ReceivedAsync(receiver, 2, "the redelivery");
        Assert.That(requests.Select(r => r.Id).Distinct().Single(), Is.EqualTo(delivery.EventId.ToString()));
        var redelivered = (await Eventually.Get(
            () => DeliveriesAsync(maintainer, webhook.Id), d => d.Single().Status == "succeeded" && d.Single().Attempts.Length == 2, "the redelivery's record")).Single();
        Assert.That(redelivered.Attempts.Select(a => a.StatusCode), Is.EqualTo(new int?[] { 204, 204 }));

        using var unknown = await maintainer.PostAsync(new Uri($"/api/v1/webhooks/{webhook.Id}/deliveries/{Guid.CreateVersion7()}/redeliver", UriKind.Relative), null);
        await Expect.Problem(unknown, HttpStatusCode.NotFound);
        using var byMember = await team.ClientFor("member").PostAsync(new Uri($"/api/v1/webhooks/{webhook.Id}/deliveries/{delivery.Id}/redeliver", UriKind.Relative), null);
        await Expect.Problem(byMember, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task A_refused_change_sends_no_webhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var webhook = await RegisterWebhookAsync(team.ClientFor("maintainer"), team.Project.Id, receiver.Url, "task.created", "task.updated");
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Guarded" });

        // An assignee outside the project fails the update after its transaction began; it rolls back with its event.
        using (var refused = await TaskApi.PatchAsync(team.ClientFor("member"), task.Key, $$"""{"title":"Never","assigneeId":"{{team.UserFor("none").Id}}"}"""))
        {
            Assert.That(refused.IsSuccessStatusCode, Is.False);
        }

        using (var accepted = await TaskApi.PatchAsync(team.ClientFor("member"), task.Key, """{"title":"Kept"}"""))
        {
            await Expect.Status(accepted, HttpStatusCode.OK);
        }

        // The webhooks consumer handles a task's events in order: once the accepted update has a delivery, a delivery
        // for the refused one would exist too.
        var deliveries = await Eventually.Get(
            () => DeliveriesAsync(team.ClientFor("maintainer"), webhook.Id), d => d.Any(x => x.Data.ToString().Contains("Kept", StringComparison.Ordinal)), "the accepted update's delivery");
        Assert.That(deliveries.Select(d => d.EventType), Is.EquivalentTo(new[] { "task.created", "task.updated" }));
        Assert.That(deliveries.Select(d => d.Data.ToString()), Has.None.Contains("Never"));
        await ReceivedAsync(receiver, 2, "both deliveries sent");
        Assert.That(receiver.Received.Select(r => r.Body), Has.None.Contains("Never"));
    }
}
