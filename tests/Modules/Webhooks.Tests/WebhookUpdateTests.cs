using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;
using static Orbit.Tests.Notifications.NotificationApi;

namespace Orbit.Tests.Notifications;

/// <summary><c>PATCH /webhooks/{id}</c>: url, events, and enabling or pausing.</summary>
public sealed class WebhookUpdateTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, Guid webhookId, string json) =>
        client.PatchAsync(new Uri($"/api/v1/webhooks/{webhookId}", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    // What the dispatcher does after a day of failures, without waiting a day.
    private static async Task DisableAsIfFailingForADayAsync(Guid webhookId)
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "update webhooks.webhooks set failing_since = now() - interval '2 days', disabled_at = now() where id = @id", connection);
        command.Parameters.AddWithValue("id", webhookId);
        await command.ExecuteNonQueryAsync();
    }

    [Test]
    public async Task A_maintainer_changes_url_and_events_and_gets_the_webhook_back()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        var webhook = await RegisterWebhookAsync(maintainer, team.Project.Id, "https://example.com/old", "task.created");

        using var response = await PatchAsync(maintainer, webhook.Id, """{"url": " https://example.com/new ", "events": ["comment.added", "task.updated", "comment.added"]}""");

        await Expect.Status(response, HttpStatusCode.OK);
        var updated = (await response.Content.ReadFromJsonAsync<WebhookBody>())!;
        Assert.Multiple(() =>
        {
            Assert.That(updated.Id, Is.EqualTo(webhook.Id));
            Assert.That(updated.Url, Is.EqualTo("https://example.com/new"));
            Assert.That(updated.Events, Is.EqualTo(new[] { "comment.added", "task.updated" }));
            Assert.That(updated.DisabledAt, Is.Null);
        });
        Assert.That(await GetWebhookAsync(maintainer, webhook.Id), Is.EqualTo(updated).Using<WebhookBody>((a, b) => a.Url == b.Url && a.Events.SequenceEqual(b.Events)));
    }

    [Test]
    public async Task An_empty_patch_changes_nothing()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        var webhook = await RegisterWebhookAsync(maintainer, team.Project.Id, "https://example.com/hook", "*");

        using var response = await PatchAsync(maintainer, webhook.Id, "{}");

        await Expect.Status(response, HttpStatusCode.OK);
        var same = (await response.Content.ReadFromJsonAsync<WebhookBody>())!;
        Assert.That((same.Url, same.Events.Single(), same.DisabledAt), Is.EqualTo(("https://example.com/hook", "*", (DateTime?)null)));
    }

    [Test]
    public async Task Enabling_an_auto_disabled_webhook_clears_its_failures_and_deliveries_resume()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        var webhook = await RegisterWebhookAsync(maintainer, team.Project.Id, receiver.Url, "task.created");
        await DisableAsIfFailingForADayAsync(webhook.Id);
        Assert.That((await GetWebhookAsync(maintainer, webhook.Id)).DisabledAt, Is.Not.Null);

        using var response = await PatchAsync(maintainer, webhook.Id, """{"enabled": true}""");

        await Expect.Status(response, HttpStatusCode.OK);
        var enabled = (await response.Content.ReadFromJsonAsync<WebhookBody>())!;
        Assert.Multiple(() =>
        {
            Assert.That(enabled.DisabledAt, Is.Null);
            Assert.That(enabled.FailingSince, Is.Null, "a fresh start: the next failure must not disable it again at once");
        });
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "After re-enabling" });
        var received = await Eventually.Get(() => Task.FromResult(receiver.Received), r => r.Count >= 1, "the delivery to the re-enabled webhook");
        Assert.That(received.Single().Body, Does.Contain(task.Id.ToString()));
    }

    [Test]
    public async Task A_paused_webhook_gets_no_deliveries_until_enabled_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        var paused = await RegisterWebhookAsync(maintainer, team.Project.Id, receiver.Url, "task.created");
        // A second webhook on the same event tells when the event has been handed to the webhooks consumer.
        var witness = await RegisterWebhookAsync(maintainer, team.Project.Id, "https://example.com/witness", "task.created");

        using (var pause = await PatchAsync(maintainer, paused.Id, """{"enabled": false}"""))
        {
            await Expect.Status(pause, HttpStatusCode.OK);
            Assert.That((await pause.Content.ReadFromJsonAsync<WebhookBody>())!.DisabledAt, Is.Not.Null);
        }

        await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "While paused" });
        await Eventually.Get(() => DeliveriesAsync(maintainer, witness.Id), d => d.Count == 1, "the witness's delivery");
        Assert.That(await DeliveriesAsync(maintainer, paused.Id), Is.Empty);

        using (var resume = await PatchAsync(maintainer, paused.Id, """{"enabled": true}"""))
        {
            await Expect.Status(resume, HttpStatusCode.OK);
        }

        await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "After resuming" });
        await Eventually.Get(() => Task.FromResult(receiver.Received), r => r.Count >= 1, "the delivery after resuming");
    }

    [TestCase("""{"url": "ftp://example.com/hook"}""", "url")]
    [TestCase("""{"url": null}""", "url")]
    [TestCase("""{"url": "https://user:pw@example.com/hook"}""", "url")]
    [TestCase("""{"events": []}""", "events")]
    [TestCase("""{"events": ["task.exploded"]}""", "events")]
    [TestCase("""{"events": null}""", "events")]
    [TestCase("""{"enabled": null}""", "enabled")]
    [TestCase("""{"url": "https://example.com/fine", "enabled": "yes"}""", "enabled")]
    [TestCase("""{"secret": "whsec_mine"}""", "secret")]
    public async Task Bad_input_is_a_validation_error_and_changes_nothing(string json, string field)
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        var webhook = await RegisterWebhookAsync(maintainer, team.Project.Id, "https://example.com/hook", "task.created");

        using var response = await PatchAsync(maintainer, webhook.Id, json);

        await Expect.ValidationError(response, field);
        var after = await GetWebhookAsync(maintainer, webhook.Id);
        Assert.That((after.Url, after.Events.Single(), after.DisabledAt), Is.EqualTo(("https://example.com/hook", "task.created", (DateTime?)null)));
    }

    [Test]
    public async Task A_member_gets_403_an_outsider_and_an_unknown_webhook_404()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var webhook = await RegisterWebhookAsync(team.ClientFor("owner"), team.Project.Id, "https://example.com/hook", "*");

        using var member = await PatchAsync(team.ClientFor("member"), webhook.Id, """{"enabled": false}""");
        var forbidden = await Expect.Problem(member, HttpStatusCode.Forbidden);
        Assert.That(forbidden.GetProperty("code").GetString(), Is.EqualTo("notifications.role_too_low"));

        using var outsider = await PatchAsync(team.ClientFor("none"), webhook.Id, """{"enabled": false}""");
        var hidden = await Expect.Problem(outsider, HttpStatusCode.NotFound);
        Assert.That(hidden.GetProperty("code").GetString(), Is.EqualTo("notifications.webhook_not_found"));

        using var unknown = await PatchAsync(team.ClientFor("owner"), Guid.CreateVersion7(), """{"enabled": false}""");
        await Expect.Problem(unknown, HttpStatusCode.NotFound);

        Assert.That((await GetWebhookAsync(team.ClientFor("owner"), webhook.Id)).DisabledAt, Is.Null);
    }

    [Test]
    public async Task A_webhook_of_an_archived_project_is_read_only()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var owner = team.ClientFor("owner");
        var webhook = await RegisterWebhookAsync(owner, team.Project.Id, "https://example.com/hook", "*");
        using (var archive = await owner.DeleteAsync(new Uri($"/api/v1/projects/{team.Project.Id}", UriKind.Relative)))
        {
            await Expect.Status(archive, HttpStatusCode.NoContent);
        }

        using var response = await PatchAsync(owner, webhook.Id, """{"url": "https://example.com/other"}""");

        var problem = await Expect.Problem(response, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("notifications.project_archived"));
    }
}
