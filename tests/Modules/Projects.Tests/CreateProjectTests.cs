using System.Net;
using System.Net.Http.Json;
using Orbit.Tests.Infrastructure;
using static Orbit.Tests.Projects.ProjectHttp;

namespace Orbit.Tests.Projects;

public sealed class CreateProjectTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private TestUser _user = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task SignInAsync()
    {
        _user = await Api.RegisterAsync("Creator");
        _client = await _user.ClientAsync();
    }

    [OneTimeTearDown]
    public void Dispose() => _client.Dispose();

    [Test]
    public async Task Creating_a_project_returns_201_with_location_etag_and_makes_the_creator_its_owner()
    {
        var key = ProjectScenarios.NewKey();

        using var response = await _client.PostAsJsonAsync("/api/v1/projects", new { key, name = "  Apollo  ", description = "To the moon" });

        await Expect.Status(response, HttpStatusCode.Created);
        var project = await JsonAsync(response);
        var id = project.GetProperty("id").GetGuid();
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/projects/{id}"));
            Assert.That(ETagOf(response), Is.EqualTo("\"1\""));
            Assert.That(project.GetProperty("key").GetString(), Is.EqualTo(key));
            Assert.That(project.GetProperty("name").GetString(), Is.EqualTo("Apollo"), "the name is trimmed");
            Assert.That(project.GetProperty("description").GetString(), Is.EqualTo("To the moon"));
            Assert.That(project.GetProperty("version").GetInt32(), Is.EqualTo(1));
            Assert.That(project.GetProperty("createdBy").GetGuid(), Is.EqualTo(_user.Id));
            Assert.That(project.GetProperty("updatedBy").GetGuid(), Is.EqualTo(_user.Id));
            Assert.That(project.GetProperty("createdAt").GetString(), Does.EndWith("Z"));
            Assert.That(project.GetProperty("archivedAt").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
            Assert.That(id.Version, Is.EqualTo(7), "ids are UUIDv7");
        });

        var members = await MembersAsync(_client, id);
        Assert.That(members, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(members[0].GetProperty("userId").GetGuid(), Is.EqualTo(_user.Id));
            Assert.That(members[0].GetProperty("role").GetString(), Is.EqualTo("owner"));
            Assert.That(members[0].GetProperty("displayName").GetString(), Is.EqualTo("Creator"));
        });
    }

    [Test]
    public async Task A_project_without_a_description_has_null_description()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/projects", new { key = ProjectScenarios.NewKey(), name = "Plain" });

        await Expect.Status(response, HttpStatusCode.Created);
        Assert.That((await JsonAsync(response)).GetProperty("description").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
    }

    [Test]
    public async Task A_key_already_taken_is_409_and_creates_nothing()
    {
        var existing = await ProjectScenarios.CreateProjectAsync(_client);
        var other = await Api.RegisterAsync();
        using var otherClient = await other.ClientAsync();

        using var response = await otherClient.PostAsJsonAsync("/api/v1/projects", new { key = existing.Key, name = "Copycat" });

        var problem = await Expect.Problem(response, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.key_taken"));
        Assert.That(await AllPagesAsync(otherClient, "archived=false"), Is.Empty);
    }

    [Test]
    public async Task The_key_of_an_archived_project_stays_taken()
    {
        var archived = await ProjectScenarios.CreateProjectAsync(_client);
        using (var archive = await ArchiveAsync(_client, archived.Id))
        {
            await Expect.Status(archive, HttpStatusCode.NoContent);
        }

        using var response = await _client.PostAsJsonAsync("/api/v1/projects", new { key = archived.Key, name = "Again" });

        await Expect.Problem(response, HttpStatusCode.Conflict);
    }

    [TestCase("", TestName = "An empty key is rejected")]
    [TestCase("A", TestName = "A one-character key is rejected")]
    [TestCase("ABCDEFGHIJK", TestName = "An eleven-character key is rejected")]
    [TestCase("1ABC", TestName = "A key starting with a digit is rejected")]
    [TestCase("AB-C", TestName = "A key with a dash is rejected")]
    [TestCase("AB C", TestName = "A key with a space is rejected")]
    [TestCase("ÄBC", TestName = "A key with a non-ASCII letter is rejected")]
    public async Task Bad_keys_are_validation_errors_on_key(string key)
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/projects", new { key, name = "Named" });

        var problem = await Expect.ValidationError(response, "key");
        Assert.That(problem.GetProperty("errors").GetProperty("key")[0].GetString(), Does.Contain("key"));
    }

    [Test]
    public async Task A_lowercase_key_is_rejected_with_a_hint_to_use_uppercase()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/projects", new { key = "abc", name = "Named" });

        var problem = await Expect.ValidationError(response, "key");
        var messages = problem.GetProperty("errors").GetProperty("key");
        Assert.That(messages.GetArrayLength(), Is.EqualTo(1));
        Assert.That(messages[0].GetString(), Does.Contain("uppercase").And.Contain("ABC"));
    }

    [Test]
    public async Task The_shortest_and_longest_keys_are_accepted()
    {
        var shortest = "Q" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[Random.Shared.Next(36)];
        using var shortResponse = await _client.PostAsJsonAsync("/api/v1/projects", new { key = shortest, name = "Shortest" });
        await Expect.Status(shortResponse, HttpStatusCode.Created);

        var longest = "L" + ProjectScenarios.NewKey()[1..] + "9";
        using var longResponse = await _client.PostAsJsonAsync("/api/v1/projects", new { key = longest, name = "Longest" });
        await Expect.Status(longResponse, HttpStatusCode.Created);
        Assert.That((await JsonAsync(longResponse)).GetProperty("key").GetString(), Is.EqualTo(longest).And.Length.EqualTo(10));
    }

    [Test]
    public async Task A_missing_key_is_required()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/projects", new { name = "No key" });

        var problem = await Expect.ValidationError(response, "key");
        Assert.That(problem.GetProperty("errors").GetProperty("key")[0].GetString(), Is.EqualTo("key is required."));
    }

    [TestCase("", TestName = "An empty name is rejected")]
    [TestCase("   ", TestName = "A blank name is rejected")]
    [TestCase(null, TestName = "A null name is rejected")]
    public async Task Names_must_not_be_blank(string? name)
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/projects", new { key = ProjectScenarios.NewKey(), name });
        await Expect.ValidationError(response, "name");
    }

    [Test]
    public async Task A_name_longer_than_200_characters_is_rejected_and_200_is_accepted()
    {
        using var tooLong = await _client.PostAsJsonAsync("/api/v1/projects", new { key = ProjectScenarios.NewKey(), name = new string('n', 201) });
        await Expect.ValidationError(tooLong, "name");

        using var longest = await _client.PostAsJsonAsync("/api/v1/projects", new { key = ProjectScenarios.NewKey(), name = new string('n', 200) });
        await Expect.Status(longest, HttpStatusCode.Created);
    }

    [Test]
    public async Task A_description_longer_than_10000_characters_is_rejected()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/projects", new { key = ProjectScenarios.NewKey(), name = "Wordy", description = new string('d', 10_001) });
        await Expect.ValidationError(response, "description");
    }

    [Test]
    public async Task Every_invalid_field_is_reported_at_once()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/projects", new { key = "x", name = "", description = new string('d', 10_001) });

        var problem = await Expect.ValidationError(response, "key");
        var errors = problem.GetProperty("errors");
        Assert.That(errors.TryGetProperty("name", out _) && errors.TryGetProperty("description", out _), Is.True, errors.ToString());
    }

    [Test]
    public async Task An_unknown_property_is_rejected()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/projects", new { key = ProjectScenarios.NewKey(), name = "Typo", colour = "blue" });
        await Expect.ValidationError(response, "colour");
    }

    [Test]
    public async Task Creating_a_project_needs_credentials()
    {
        using var anonymous = Api.CreateClient();
        using var response = await anonymous.PostAsJsonAsync("/api/v1/projects", new { key = ProjectScenarios.NewKey(), name = "Anonymous" });
        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }

    private static async Task<HttpResponseMessage> CreateWithIdempotencyKeyAsync(HttpClient client, object body, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/api/v1/projects")) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    [Test]
    public async Task Retrying_a_create_with_the_same_Idempotency_Key_returns_the_first_project_and_creates_no_second()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        var body = new { key = ProjectScenarios.NewKey(), name = "Exactly once" };
        var idempotencyKey = Guid.NewGuid().ToString();

        using var first = await CreateWithIdempotencyKeyAsync(client, body, idempotencyKey);
        using var retry = await CreateWithIdempotencyKeyAsync(client, body, idempotencyKey);

        await Expect.Status(first, HttpStatusCode.Created);
        await Expect.Status(retry, HttpStatusCode.Created);
        var created = await JsonAsync(first);
        var replayed = await JsonAsync(retry);
        Assert.Multiple(() =>
        {
            Assert.That(replayed.GetProperty("id").GetGuid(), Is.EqualTo(created.GetProperty("id").GetGuid()));
            Assert.That(replayed.GetProperty("key").GetString(), Is.EqualTo(body.key));
            Assert.That(retry.Headers.Location, Is.EqualTo(first.Headers.Location));
            Assert.That(ETagOf(retry), Is.EqualTo(ETagOf(first)));
            Assert.That(retry.Headers.TryGetValues("Idempotent-Replayed", out var replayedHeader) && replayedHeader.Single() == "true", Is.True);
        });
        Assert.That(await AllPagesAsync(client, "archived=false"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Reusing_an_Idempotency_Key_for_a_different_project_is_422_and_creates_nothing()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        var idempotencyKey = Guid.NewGuid().ToString();
        using var first = await CreateWithIdempotencyKeyAsync(client, new { key = ProjectScenarios.NewKey(), name = "First" }, idempotencyKey);
        await Expect.Status(first, HttpStatusCode.Created);

        using var reused = await CreateWithIdempotencyKeyAsync(client, new { key = ProjectScenarios.NewKey(), name = "Second" }, idempotencyKey);

        await Expect.Problem(reused, HttpStatusCode.UnprocessableEntity);
        Assert.That(await AllPagesAsync(client, "archived=false"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task The_same_Idempotency_Key_from_another_user_is_a_separate_request()
    {
        var idempotencyKey = Guid.NewGuid().ToString();
        using var first = await CreateWithIdempotencyKeyAsync(_client, new { key = ProjectScenarios.NewKey(), name = "Mine" }, idempotencyKey);
        var other = await Api.RegisterAsync();
        using var otherClient = await other.ClientAsync();

        using var second = await CreateWithIdempotencyKeyAsync(otherClient, new { key = ProjectScenarios.NewKey(), name = "Theirs" }, idempotencyKey);

        await Expect.Status(first, HttpStatusCode.Created);
        await Expect.Status(second, HttpStatusCode.Created);
        Assert.That((await JsonAsync(second)).GetProperty("id").GetGuid(), Is.Not.EqualTo((await JsonAsync(first)).GetProperty("id").GetGuid()));
    }

    [Test]
    public async Task A_failed_create_does_not_use_up_its_Idempotency_Key()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        var idempotencyKey = Guid.NewGuid().ToString();
        using var invalid = await CreateWithIdempotencyKeyAsync(client, new { key = "bad key", name = "Fix me" }, idempotencyKey);
        await Expect.ValidationError(invalid, "key");

        using var corrected = await CreateWithIdempotencyKeyAsync(client, new { key = ProjectScenarios.NewKey(), name = "Fixed" }, idempotencyKey);

        await Expect.Status(corrected, HttpStatusCode.Created);
    }
}
