using System.Net;
using System.Net.Http.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Tasks;

public sealed class CommentTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private static async Task<CommentBody> AddAsync(HttpClient client, string taskKey, string body = "A comment")
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/tasks/{taskKey}/comments", new { body });
        await Expect.Status(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<CommentBody>())!;
    }

    [Test]
    public async Task Members_comment_and_viewers_read_the_comments_oldest_first()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        var first = await AddAsync(team.ClientFor("member"), task.Key, "First");
        var second = await AddAsync(team.ClientFor("owner"), task.Key, "Second");

        using var response = await team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/tasks/{task.Key}/comments?limit=1", UriKind.Relative));
        await Expect.Status(response, HttpStatusCode.OK);
        var page = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.That(page.GetProperty("items")[0].GetProperty("id").GetGuid(), Is.EqualTo(first.Id));
        var next = page.GetProperty("nextCursor").GetString();
        using var secondPage = await team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/tasks/{task.Key}/comments?limit=1&cursor={next}", UriKind.Relative));
        var rest = await secondPage.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.That(rest.GetProperty("items")[0].GetProperty("id").GetGuid(), Is.EqualTo(second.Id));
        Assert.That(first.AuthorId, Is.EqualTo(team.UserFor("member").Id));
    }

    [TestCase("")]
    [TestCase("   ")]
    public async Task An_empty_comment_is_rejected(string body)
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        using var response = await team.ClientFor("member").PostAsJsonAsync($"/api/v1/tasks/{task.Key}/comments", new { body });
        await Expect.ValidationError(response, "body");
    }

    [Test]
    public async Task A_comment_longer_than_20000_characters_is_rejected()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        using var response = await team.ClientFor("member").PostAsJsonAsync($"/api/v1/tasks/{task.Key}/comments", new { body = new string('c', 20_001) });
        await Expect.ValidationError(response, "body");
    }

    [Test]
    public async Task Only_the_author_edits_a_comment()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        var comment = await AddAsync(team.ClientFor("member"), task.Key);

        using (var byOwner = await team.ClientFor("owner").PatchAsJsonAsync($"/api/v1/comments/{comment.Id}", new { body = "Hijacked" }))
        {
            await Expect.Problem(byOwner, HttpStatusCode.Forbidden);
        }

        using (var byOutsider = await team.ClientFor("none").PatchAsJsonAsync($"/api/v1/comments/{comment.Id}", new { body = "Hijacked" }))
        {
            await Expect.Problem(byOutsider, HttpStatusCode.NotFound);
        }

        using var byAuthor = await team.ClientFor("member").PatchAsJsonAsync($"/api/v1/comments/{comment.Id}", new { body = "Edited" });
        await Expect.Status(byAuthor, HttpStatusCode.OK);
        var edited = (await byAuthor.Content.ReadFromJsonAsync<CommentBody>())!;
        Assert.That(edited.Body, Is.EqualTo("Edited"));
        Assert.That(edited.Version, Is.EqualTo(2));
    }

    [Test]
    public async Task The_author_or_a_maintainer_deletes_a_comment_but_not_another_member()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        var byMaintainer = await AddAsync(team.ClientFor("member"), task.Key);
        var byAuthor = await AddAsync(team.ClientFor("member"), task.Key);
        var ownersComment = await AddAsync(team.ClientFor("owner"), task.Key);

        using (var notYours = await team.ClientFor("member").DeleteAsync(new Uri($"/api/v1/comments/{ownersComment.Id}", UriKind.Relative)))
        {
            await Expect.Problem(notYours, HttpStatusCode.Forbidden);
        }

        using (var maintainer = await team.ClientFor("maintainer").DeleteAsync(new Uri($"/api/v1/comments/{byMaintainer.Id}", UriKind.Relative)))
        {
            await Expect.Status(maintainer, HttpStatusCode.NoContent);
        }

        using (var author = await team.ClientFor("member").DeleteAsync(new Uri($"/api/v1/comments/{byAuthor.Id}", UriKind.Relative)))
        {
            await Expect.Status(author, HttpStatusCode.NoContent);
        }

        using var list = await team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/tasks/{task.Key}/comments", UriKind.Relative));
        var items = (await list.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("items");
        Assert.That(items.GetArrayLength(), Is.EqualTo(1));
        Assert.That(items[0].GetProperty("id").GetGuid(), Is.EqualTo(ownersComment.Id));

        using var again = await team.ClientFor("member").DeleteAsync(new Uri($"/api/v1/comments/{byAuthor.Id}", UriKind.Relative));
        await Expect.Problem(again, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Comments_on_a_deleted_task_are_not_found()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        using (await team.ClientFor("maintainer").DeleteAsync(new Uri($"/api/v1/tasks/{task.Key}", UriKind.Relative)))
        {
        }

        using var response = await team.ClientFor("member").PostAsJsonAsync($"/api/v1/tasks/{task.Key}/comments", new { body = "Hello?" });
        await Expect.Problem(response, HttpStatusCode.NotFound);
    }
}
