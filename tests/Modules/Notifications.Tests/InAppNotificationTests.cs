using System.Net;
using System.Net.Http.Json;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;
using static Orbit.Tests.Notifications.NotificationApi;

namespace Orbit.Tests.Notifications;

/// <summary>
/// In-app notifications arrive through the outbox, so each expectation waits with <see cref="Eventually"/>. An
/// absence is asserted only after a later event of the same task has arrived: a task's events are handled in order.
/// The team's people are shared by many tests, so every check looks at one task's notifications only.
/// </summary>
public sealed class InAppNotificationTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private static async Task<List<NotificationBody>> WaitForAsync(HttpClient client, Guid taskId, int count, string what) =>
        await Eventually.Get(() => AboutAsync(client, taskId), n => n.Count >= count, what);

    [Test]
    public async Task Creating_a_task_with_an_assignee_notifies_the_assignee_and_not_the_actor()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("owner"), team.Project.Id, new { title = "Fix the login page", assigneeId = team.UserFor("member").Id });

        var notifications = await WaitForAsync(team.ClientFor("member"), task.Id, 1, "the assignee's notification");

        var assigned = notifications.Single();
        Assert.Multiple(() =>
        {
            Assert.That(assigned.Kind, Is.EqualTo("assigned"));
            Assert.That(assigned.ActorId, Is.EqualTo(team.UserFor("owner").Id));
            Assert.That(assigned.TaskKey, Is.EqualTo(task.Key));
            Assert.That(assigned.ProjectId, Is.EqualTo(team.Project.Id));
            Assert.That(assigned.Summary, Does.Contain("Owner").And.Contain(task.Key).And.Contain("Fix the login page"));
            Assert.That(assigned.ReadAt, Is.Null);
        });
        Assert.That(await AboutAsync(team.ClientFor("owner"), task.Id), Is.Empty);
    }

    [Test]
    public async Task Reassigning_notifies_the_new_assignee_and_assigning_yourself_notifies_nobody()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var member = team.ClientFor("member");
        var task = await TaskApi.CreateAsync(member, team.Project.Id, new { title = "Mine", assigneeId = team.UserFor("member").Id });

        using (var patch = await TaskApi.PatchAsync(team.ClientFor("owner"), task.Key, $$"""{"assigneeId":"{{team.UserFor("maintainer").Id}}"}"""))
        {
            await Expect.Status(patch, HttpStatusCode.OK);
        }

        var maintainers = await WaitForAsync(team.ClientFor("maintainer"), task.Id, 1, "the new assignee's notification");
        Assert.That(maintainers.Single().Kind, Is.EqualTo("assigned"));
        Assert.That(maintainers.Single().ActorId, Is.EqualTo(team.UserFor("owner").Id));

        // The reassignment came after the self-assignment on the same task, so that one has been handled too.
        Assert.That(await AboutAsync(member, task.Id), Is.Empty, "assigning yourself notifies nobody");
    }

    [Test]
    public async Task A_comment_notifies_the_tasks_creator_and_assignee_but_not_the_commenter()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Discuss", assigneeId = team.UserFor("maintainer").Id });

        await CommentAsync(team.ClientFor("owner"), task.Key, "Looks good to me");

        var creators = await WaitForAsync(team.ClientFor("member"), task.Id, 1, "the creator's notification");
        var assignees = await WaitForAsync(team.ClientFor("maintainer"), task.Id, 2, "the assignee's assignment and comment notifications");
        Assert.Multiple(() =>
        {
            Assert.That(creators.Single().Kind, Is.EqualTo("commented"));
            Assert.That(creators.Single().Summary, Does.Contain("Looks good to me"));
            Assert.That(assignees.Select(n => n.Kind), Is.EquivalentTo(new[] { "assigned", "commented" }));
        });

        // The creator comments: the assignee hears of it, the creator (the actor) does not.
        await CommentAsync(team.ClientFor("member"), task.Key, "Thanks!");
        await WaitForAsync(team.ClientFor("maintainer"), task.Id, 3, "the assignee's second comment notification");
        Assert.That(await AboutAsync(team.ClientFor("member"), task.Id), Has.Count.EqualTo(1), "nobody is notified of their own comment");
        Assert.That(await AboutAsync(team.ClientFor("owner"), task.Id), Is.Empty, "the owner neither created nor is assigned the task");
    }

    [Test]
    public async Task A_mention_notifies_the_member_named_by_the_longest_matching_display_name_once()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var owner = team.ClientFor("owner");
        var ada = await Api.RegisterAsync("Ada Lovelace");
        var shortAda = await Api.RegisterAsync("Ada");
        await ProjectScenarios.AddMemberAsync(owner, team.Project.Id, ada.Id, "viewer");
        await ProjectScenarios.AddMemberAsync(owner, team.Project.Id, shortAda.Id, "viewer");
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id, new { title = "Mentions", assigneeId = team.UserFor("maintainer").Id });

        await CommentAsync(owner, task.Key,
            "Thanks @ada lovelace! @Maintainer please review; @Outsider is not in the project, mail ada@example.com, and @Owner is me.");

        using var adaClient = await ada.ClientAsync();
        using var shortAdaClient = await shortAda.ClientAsync();
        var adas = await WaitForAsync(adaClient, task.Id, 1, "Ada Lovelace's mention");
        var assignees = await WaitForAsync(team.ClientFor("maintainer"), task.Id, 2, "the mentioned assignee's notification");
        var creators = await WaitForAsync(team.ClientFor("member"), task.Id, 1, "the creator's comment notification");
        // All of one event's notifications commit together, so these absences are final.
        var shortAdas = await AboutAsync(shortAdaClient, task.Id);
        var outsiders = await AboutAsync(team.ClientFor("none"), task.Id);
        var owners = await AboutAsync(owner, task.Id);
        Assert.Multiple(() =>
        {
            Assert.That(adas.Single().Kind, Is.EqualTo("mentioned"));
            Assert.That(adas.Single().Summary, Does.Contain("mentioned you"));
            // One notification per person per event: the assignee was mentioned, which says more than "commented".
            Assert.That(assignees.Select(n => n.Kind), Is.EquivalentTo(new[] { "assigned", "mentioned" }));
            Assert.That(creators.Single().Kind, Is.EqualTo("commented"));
            Assert.That(shortAdas, Is.Empty, "@ada lovelace names Ada Lovelace, not Ada");
            Assert.That(outsiders, Is.Empty, "only members can be mentioned");
            Assert.That(owners, Is.Empty, "mentioning yourself notifies nobody");
        });
    }

    [Test]
    public async Task Unread_filter_mark_read_and_read_all_act_on_your_own_notifications_only()
    {
        var actor = await Api.RegisterAsync("Reader Actor");
        var recipient = await Api.RegisterAsync("Reader Recipient");
        using var actorClient = await actor.ClientAsync();
        using var client = await recipient.ClientAsync();
        var project = await ProjectScenarios.CreateProjectAsync(actorClient);
        await ProjectScenarios.AddMemberAsync(actorClient, project.Id, recipient.Id, "member");
        for (var i = 0; i < 3; i++)
        {
            await TaskApi.CreateAsync(actorClient, project.Id, new { title = $"Task {i}", assigneeId = recipient.Id });
        }

        var all = await Eventually.Get(() => ListAsync(client), n => n.Count == 3, "three assignment notifications");
        Assert.That(all.Select(n => n.Id), Is.Ordered.Descending, "newest first");
        Assert.That(await ListAsync(client, unreadOnly: true), Has.Count.EqualTo(3));

        using (var page = await client.GetAsync(new Uri("/api/v1/notifications?limit=2", UriKind.Relative)))
        {
            await Expect.Status(page, HttpStatusCode.OK);
            Assert.That(page.Headers.GetValues("Link").Single(), Does.Contain("rel=\"next\""));
        }

        var first = all[1];
        using (var read = await client.PostAsync(new Uri($"/api/v1/notifications/{first.Id}/read", UriKind.Relative), null))
        {
            await Expect.Status(read, HttpStatusCode.OK);
            var marked = (await read.Content.ReadFromJsonAsync<NotificationBody>())!;
            Assert.That(marked.ReadAt, Is.Not.Null);

            using var again = await client.PostAsync(new Uri($"/api/v1/notifications/{first.Id}/read", UriKind.Relative), null);
            await Expect.Status(again, HttpStatusCode.OK);
            Assert.That((await again.Content.ReadFromJsonAsync<NotificationBody>())!.ReadAt, Is.EqualTo(marked.ReadAt), "marking again keeps the first read time");
        }

        using (var notYours = await actorClient.PostAsync(new Uri($"/api/v1/notifications/{all[0].Id}/read", UriKind.Relative), null))
        {
            await Expect.Problem(notYours, HttpStatusCode.NotFound);
        }

        using (var unknown = await client.PostAsync(new Uri($"/api/v1/notifications/{Guid.CreateVersion7()}/read", UriKind.Relative), null))
        {
            await Expect.Problem(unknown, HttpStatusCode.NotFound);
        }

        var unread = await ListAsync(client, unreadOnly: true);
        Assert.That(unread.Select(n => n.Id), Is.EquivalentTo(new[] { all[0].Id, all[2].Id }), "the other's attempt changed nothing");

        using (var readAll = await client.PostAsync(new Uri("/api/v1/notifications/read-all", UriKind.Relative), null))
        {
            await Expect.Status(readAll, HttpStatusCode.OK);
            Assert.That((await readAll.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("marked").GetInt32(), Is.EqualTo(2));
        }

        Assert.That(await ListAsync(client, unreadOnly: true), Is.Empty);
        Assert.That(await ListAsync(client), Has.Count.EqualTo(3).And.All.Matches<NotificationBody>(n => n.ReadAt is not null));
    }

    [Test]
    public async Task Notifications_need_authentication()
    {
        using var anonymous = Api.CreateClient();
        using var response = await anonymous.GetAsync(new Uri("/api/v1/notifications", UriKind.Relative));
        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }
}
