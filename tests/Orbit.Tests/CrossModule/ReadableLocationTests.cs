using System.Net;
using System.Net.Http.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Tasks;

/// <summary>The <c>Location</c> of a created comment or personal access token can be read back.</summary>
public sealed class ReadableLocationTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private static async Task<HttpResponseMessage> AddCommentAsync(HttpClient client, string taskKey, string body = "A comment")
    {
        var response = await client.PostAsJsonAsync($"/api/v1/tasks/{taskKey}/comments", new { body });
        await Expect.Status(response, HttpStatusCode.Created);
        return response;
    }

    [Test]
    public async Task A_comments_location_reads_back_the_comment_with_its_etag_for_any_viewer()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        using var created = await AddCommentAsync(team.ClientFor("member"), task.Key, "Readable");
        var comment = (await created.Content.ReadFromJsonAsync<CommentBody>())!;

        using var read = await team.ClientFor("viewer").GetAsync(created.Headers.Location);

        await Expect.Status(read, HttpStatusCode.OK);
        var readBack = (await read.Content.ReadFromJsonAsync<CommentBody>())!;
        Assert.Multiple(() =>
        {
            Assert.That(created.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/comments/{comment.Id}"));
            Assert.That(readBack, Is.EqualTo(comment));
            Assert.That(read.Headers.ETag?.Tag, Is.EqualTo(created.Headers.ETag?.Tag));
        });
    }

    [Test]
    public async Task A_comment_is_hidden_from_non_members_and_gone_once_deleted()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        using var created = await AddCommentAsync(team.ClientFor("member"), task.Key);

        using (var outsider = await team.ClientFor("none").GetAsync(created.Headers.Location))
        {
            var problem = await Expect.Problem(outsider, HttpStatusCode.NotFound);
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("tasks.comment_not_found"));
        }

        using (var delete = await team.ClientFor("member").DeleteAsync(created.Headers.Location))
        {
            await Expect.Status(delete, HttpStatusCode.NoContent);
        }

        using var gone = await team.ClientFor("member").GetAsync(created.Headers.Location);
        await Expect.Problem(gone, HttpStatusCode.NotFound);
        using var unknown = await team.ClientFor("member").GetAsync(new Uri($"/api/v1/comments/{Guid.CreateVersion7()}", UriKind.Relative));
        await Expect.Problem(unknown, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_comment_of_an_archived_project_can_still_be_read()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var task = await TaskApi.CreateAsync(team.ClientFor("member"), team.Project.Id);
        using var created = await AddCommentAsync(team.ClientFor("member"), task.Key);
        using (var archive = await team.ClientFor("owner").DeleteAsync(new Uri($"/api/v1/projects/{team.Project.Id}", UriKind.Relative)))
        {
            await Expect.Status(archive, HttpStatusCode.NoContent);
        }

        using var read = await team.ClientFor("viewer").GetAsync(created.Headers.Location);
        await Expect.Status(read, HttpStatusCode.OK);

        // Changing it is still refused: reading must not have loosened the edit rule.
        using var edit = await team.ClientFor("member").PatchAsJsonAsync(created.Headers.Location!.ToString(), new { body = "Edited" });
        await Expect.Problem(edit, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task A_comment_id_that_is_not_a_uuid_is_404()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        using var response = await team.ClientFor("viewer").GetAsync(new Uri("/api/v1/comments/not-an-id", UriKind.Relative));
        await Expect.Problem(response, HttpStatusCode.NotFound);
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    private sealed record TokenBody(Guid Id, string Name, DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt);

    [Test]
    public async Task A_personal_access_tokens_location_reads_it_back_without_the_secret_for_its_owner_only()
    {
        var user = await Api.RegisterAsync();
        var stranger = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        using var strangerClient = await stranger.ClientAsync();
        using var created = await client.PostAsJsonAsync("/api/v1/users/me/tokens", new { name = "ci" });
        await Expect.Status(created, HttpStatusCode.Created);

        using var read = await client.GetAsync(created.Headers.Location);

        await Expect.Status(read, HttpStatusCode.OK);
        var body = await read.Content.ReadAsStringAsync();
        var token = System.Text.Json.JsonSerializer.Deserialize<TokenBody>(body, Json)!;
        Assert.Multiple(() =>
        {
            Assert.That(token.Name, Is.EqualTo("ci"));
            Assert.That(token.RevokedAt, Is.Null);
            Assert.That(body, Does.Not.Contain("orbit_pat_"));
            Assert.That(body, Does.Not.Contain("\"token\""));
        });

        using var foreign = await strangerClient.GetAsync(created.Headers.Location);
        var problem = await Expect.Problem(foreign, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("identity.token_not_found"));

        using (var revoke = await client.DeleteAsync(created.Headers.Location))
        {
            await Expect.Status(revoke, HttpStatusCode.NoContent);
        }

        using var revoked = await client.GetAsync(created.Headers.Location);
        await Expect.Status(revoked, HttpStatusCode.OK);
        Assert.That((await revoked.Content.ReadFromJsonAsync<TokenBody>())!.RevokedAt, Is.Not.Null);
    }

    [Test]
    public async Task Reading_a_token_needs_a_signed_in_user()
    {
        using var anonymous = Api.CreateClient();
        using var response = await anonymous.GetAsync(new Uri($"/api/v1/users/me/tokens/{Guid.CreateVersion7()}", UriKind.Relative));
        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }
}
