using System.Net;
using System.Net.Http.Json;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;
using static Orbit.Tests.Notifications.NotificationApi;

namespace Orbit.Tests.Notifications;

public sealed class UnreadCountTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private sealed record UnreadCount(int Count);

    private static async Task<int> UnreadCountAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/api/v1/notifications/unread-count", UriKind.Relative));
        await Expect.Status(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<UnreadCount>())!.Count;
    }

    [Test]
    public async Task The_unread_count_follows_new_and_read_notifications_of_the_caller_only()
    {
        var actor = await Api.RegisterAsync("Count Actor");
        var recipient = await Api.RegisterAsync("Count Recipient");
        using var actorClient = await actor.ClientAsync();
        using var client = await recipient.ClientAsync();
        Assert.That(await UnreadCountAsync(client), Is.Zero, "a new user has nothing unread");

        var project = await ProjectScenarios.CreateProjectAsync(actorClient);
        await ProjectScenarios.AddMemberAsync(actorClient, project.Id, recipient.Id, "member");
        for (var i = 0; i < 3; i++)
        {
            await TaskApi.CreateAsync(actorClient, project.Id, new { title = $"Task {i}", assigneeId = recipient.Id });
        }

        await Eventually.Get(() => UnreadCountAsync(client), count => count == 3, "three unread assignment notifications");
        Assert.That(await UnreadCountAsync(actorClient), Is.Zero, "the actor is not notified of their own actions");

        var newest = (await ListAsync(client))[0];
        using (var read = await client.PostAsync(new Uri($"/api/v1/notifications/{newest.Id}/read", UriKind.Relative), null))
        {
            await Expect.Status(read, HttpStatusCode.OK);
        }

        Assert.That(await UnreadCountAsync(client), Is.EqualTo(2));
        using (var readAll = await client.PostAsync(new Uri("/api/v1/notifications/read-all", UriKind.Relative), null))
        {
            await Expect.Status(readAll, HttpStatusCode.OK);
        }

        Assert.That(await UnreadCountAsync(client), Is.Zero);
    }

    [Test]
    public async Task The_unread_count_needs_a_signed_in_user()
    {
        using var anonymous = Api.CreateClient();
        using var response = await anonymous.GetAsync(new Uri("/api/v1/notifications/unread-count", UriKind.Relative));
        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }
}
