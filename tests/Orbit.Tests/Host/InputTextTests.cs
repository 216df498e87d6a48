using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;

namespace Orbit.Tests.Host;

/// <summary>
/// Text PostgreSQL cannot store (NUL) and text that is not Unicode (lone surrogates, invalid UTF-8) is refused at the
/// edge with a 400 naming the field, for every body and every query value, and nothing is stored. Before, each of
/// these was a 500 from the database (22021) or from the merge-patch parser.
/// </summary>
public sealed class InputTextTests
{
    private const string Nul = "\\u0000";

    private static OrbitApi Api => TestPostgres.Api;

    private static StringContent Json(string body, string mediaType = "application/json") => new(body, Encoding.UTF8, mediaType);

    private static ByteArrayContent Bytes(byte[] body, string mediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        return content;
    }

    private static async Task<JsonElement> RefusedText(HttpResponseMessage response, string field, string message = "NUL")
    {
        var problem = await Expect.ValidationError(response, field);
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("validation_failed"));
            Assert.That(problem.GetProperty("errors").GetProperty(field)[0].GetString(), Does.Contain(message));
        });
        return problem;
    }

    [Test]
    public async Task A_nul_in_the_sign_in_email_is_a_400_naming_email()
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsync(new Uri("/api/v1/auth/login", UriKind.Relative),
            Json($$"""{"email": "someone{{Nul}}@tests.orbit", "password": "whatever password"}"""));
        await RefusedText(response, "email");
    }

    [Test]
    public async Task A_nul_in_the_display_name_refuses_the_registration_and_creates_no_user()
    {
        var email = $"nul-{Guid.NewGuid():N}@tests.orbit";
        using var client = Api.CreateClient();
        using (var response = await client.PostAsync(new Uri("/api/v1/auth/register", UriKind.Relative),
            Json($$"""{"email": "{{email}}", "password": "correct horse battery", "displayName": "Ada{{Nul}}"}""")))
        {
            await RefusedText(response, "displayName");
        }

        // The address is still free: nothing was stored.
        using var again = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "correct horse battery", displayName = "Ada" });
        await Expect.Status(again, HttpStatusCode.Created);
    }

    [TestCase("title", $$"""{"title": "Fix{{Nul}}"}""", "title")]
    [TestCase("description", $$"""{"title": "Fix", "description": "{{Nul}}"}""", "description")]
    [TestCase("a label", $$"""{"title": "Fix", "labels": ["ok", "bad{{Nul}}"]}""", "labels[1]")]
    [TestCase("a lone surrogate in the title", """{"title": "\ud800"}""", "title")]
    public async Task Creating_a_task_with_bad_text_in_a_field_is_a_400_naming_it_and_stores_nothing(string what, string body, string field)
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var (owner, project) = (team.ClientFor("owner"), team.Project);
        using (var response = await owner.PostAsync(new Uri($"/api/v1/projects/{project.Id}/tasks", UriKind.Relative), Json(body)))
        {
            await Expect.ValidationError(response, field);
        }

        Assert.That(await TaskApi.ListAllAsync(owner, project.Id), Is.Empty, what);
    }

    [TestCase("a NUL in the title", $$"""{"title": "x{{Nul}}"}""", "title", "NUL")]
    [TestCase("a NUL in a label", $$"""{"labels": ["{{Nul}}"]}""", "labels[0]", "NUL")]
    [TestCase("a NUL in the description", $$"""{"description": "a{{Nul}}b"}""", "description", "NUL")]
    [TestCase("a lone high surrogate", """{"title": "\ud800"}""", "title", "Unicode")]
    [TestCase("a lone low surrogate in a label", """{"labels": ["a\udc00b"]}""", "labels[0]", "Unicode")]
    [TestCase("a NUL in an unknown property's name", $$"""{"ti{{Nul}}tle": "x"}""", "$", "NUL")]
    public async Task Patching_a_task_with_bad_text_is_a_400_naming_the_field_and_changes_nothing(string what, string patch, string field, string message)
    {
        var (client, task) = await TaskAsync();
        using (var response = await TaskApi.PatchAsync(client, task.Id.ToString(), patch))
        {
            await RefusedText(response, field, message);
        }

        await ExpectUnchangedAsync(client, task, what);
    }

    [TestCase(new byte[] { 0xFF }, TestName = "Patching_a_task_with_the_byte_FF_in_a_string_is_a_400_naming_the_field_and_changes_nothing")]
    [TestCase(new byte[] { 0xC3, 0x28 }, TestName = "Patching_a_task_with_a_broken_two_byte_sequence_is_a_400_naming_the_field_and_changes_nothing")]
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 }, TestName = "Patching_a_task_with_an_encoded_surrogate_is_a_400_naming_the_field_and_changes_nothing")]
    public async Task Raw_invalid_utf8_in_a_task_patch(byte[] invalid)
    {
        var (client, task) = await TaskAsync();
        byte[] body = [.. "{\"title\": \"a"u8, .. invalid, .. "b\"}"u8];
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tasks/{task.Key}") { Content = Bytes(body, "application/merge-patch+json") };
        using (var response = await client.SendAsync(request))
        {
            await RefusedText(response, "title", "Unicode");
        }

        await ExpectUnchangedAsync(client, task, "raw bytes");
    }

    [Test]
    public async Task Raw_invalid_utf8_in_a_created_task_is_a_400_naming_the_field_as_in_a_patch()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var (owner, project) = (team.ClientFor("owner"), team.Project);
        byte[] body = [.. "{\"title\": \"ok\", \"labels\": [\"x"u8, 0xFF, .. "\"]}"u8];
        using var response = await owner.PostAsync(new Uri($"/api/v1/projects/{project.Id}/tasks", UriKind.Relative), Bytes(body, "application/json"));
        await RefusedText(response, "labels[0]", "Unicode");
        Assert.That(await TaskApi.ListAllAsync(owner, project.Id), Is.Empty);
    }

    [Test]
    public async Task A_nul_in_a_comment_is_a_400_and_neither_adds_nor_edits_it()
    {
        var (client, task) = await TaskAsync();
        using (var response = await client.PostAsync(new Uri($"/api/v1/tasks/{task.Id}/comments", UriKind.Relative), Json($$"""{"body": "hello{{Nul}}"}""")))
        {
            await RefusedText(response, "body");
        }

        using var created = await client.PostAsJsonAsync($"/api/v1/tasks/{task.Id}/comments", new { body = "hello" });
        await Expect.Status(created, HttpStatusCode.Created);
        var comment = await created.Content.ReadFromJsonAsync<CommentBody>();
        using (var edit = await client.PatchAsync(new Uri($"/api/v1/comments/{comment!.Id}", UriKind.Relative), Json($$"""{"body": "{{Nul}}"}""")))
        {
            await RefusedText(edit, "body");
        }

        using var list = await client.GetAsync(new Uri($"/api/v1/tasks/{task.Id}/comments", UriKind.Relative));
        var items = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("items");
        Assert.That(items.EnumerateArray().Select(c => (c.GetProperty("body").GetString(), c.GetProperty("version").GetInt32())), Is.EqualTo(new[] { ("hello", 1) }));
    }

    [Test]
    public async Task A_nul_in_project_fields_is_a_400_and_changes_nothing()
    {
        var owner = (await ProjectScenarios.CreateTeamAsync(Api)).ClientFor("owner");
        var key = ProjectScenarios.NewKey();
        using (var create = await owner.PostAsync(new Uri("/api/v1/projects", UriKind.Relative), Json($$"""{"key": "{{key}}", "name": "Apollo{{Nul}}"}""")))
        {
            await RefusedText(create, "name");
        }

        var project = await ProjectScenarios.CreateProjectAsync(owner, key);
        using (var patch = await owner.PatchAsync(new Uri($"/api/v1/projects/{project.Id}", UriKind.Relative), Json($$"""{"description": "{{Nul}}"}""")))
        {
            await RefusedText(patch, "description");
        }

        using var read = await owner.GetAsync(new Uri($"/api/v1/projects/{project.Id}", UriKind.Relative));
        var after = await read.Content.ReadFromJsonAsync<ProjectBody>();
        Assert.That(after, Is.EqualTo(project));
    }

    [Test]
    public async Task A_nul_in_a_token_name_is_a_400_and_creates_no_token()
    {
        var client = (await ProjectScenarios.CreateTeamAsync(Api)).ClientFor("member");
        var name = $"ci-{Guid.NewGuid():N}";
        using (var response = await client.PostAsync(new Uri("/api/v1/users/me/tokens", UriKind.Relative), Json($$"""{"name": "{{name}}{{Nul}}"}""")))
        {
            await RefusedText(response, "name");
        }

        using var list = await client.GetAsync(new Uri("/api/v1/users/me/tokens?limit=100", UriKind.Relative));
        var names = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString());
        Assert.That(names, Has.None.Contains(name));
    }

    [TestCase("q")]
    [TestCase("label")]
    [TestCase("status")]
    [TestCase("dueBefore")]
    public async Task A_nul_in_a_task_list_filter_is_a_400_naming_it(string parameter)
    {
        var (client, task) = await TaskAsync();
        using var response = await client.GetAsync(new Uri($"/api/v1/projects/{task.ProjectId}/tasks?{parameter}=fix%00", UriKind.Relative));
        await RefusedText(response, parameter);
    }

    [TestCase("/api/v1/admin/users?q=ada%00", "q")]
    [TestCase("/api/v1/admin/audit?action=task.created%00", "action")]
    [TestCase("/api/v1/admin/users?cursor=%00", "cursor")]
    public async Task A_nul_in_an_admin_filter_is_a_400_naming_it(string url, string parameter)
    {
        using var admin = await Api.AdminClientAsync();
        using var response = await admin.GetAsync(new Uri(url, UriKind.Relative));
        await RefusedText(response, parameter);
    }

    [Test]
    public async Task A_nul_in_the_people_search_is_a_400_naming_q()
    {
        var client = (await ProjectScenarios.CreateTeamAsync(Api)).ClientFor("viewer");
        using var response = await client.GetAsync(new Uri("/api/v1/people?q=%00", UriKind.Relative));
        await RefusedText(response, "q");
    }

    [Test]
    public async Task Text_that_is_fine_passes_unchanged_including_astral_characters_and_escapes()
    {
        var (client, task) = await TaskAsync();
        using var response = await TaskApi.PatchAsync(client, task.Id.ToString(), """{"title": "Ship 🚀 \u00e9t\u00e9 \ud83d\ude80", "labels": ["caf\u00e9"]}""");
        await Expect.Status(response, HttpStatusCode.OK);
        var patched = await response.Content.ReadFromJsonAsync<TaskBody>();
        Assert.Multiple(() =>
        {
            Assert.That(patched!.Title, Is.EqualTo("Ship 🚀 été 🚀"));
            Assert.That(patched.Labels, Is.EqualTo(new[] { "café" }));
        });
    }

    private static async Task<(HttpClient Client, TaskBody Task)> TaskAsync()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var owner = team.ClientFor("owner");
        return (owner, await TaskApi.CreateAsync(owner, team.Project.Id, new { title = "Original", description = "Kept", labels = new[] { "keep" } }));
    }

    private static async Task ExpectUnchangedAsync(HttpClient client, TaskBody before, string what)
    {
        var after = await TaskApi.GetAsync(client, before.Id.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(after.Version, Is.EqualTo(before.Version), what);
            Assert.That(after.Title, Is.EqualTo(before.Title), what);
            Assert.That(after.Description, Is.EqualTo(before.Description), what);
            Assert.That(after.Labels, Is.EqualTo(before.Labels), what);
        });
    }
}
