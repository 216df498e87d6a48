using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orbit.Tests.Infrastructure;
using static Orbit.Tests.Projects.ProjectHttp;

namespace Orbit.Tests.Projects;

/// <summary>Reading, editing, archiving and restoring one project.</summary>
public sealed class ProjectLifecycleTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private TestUser _owner = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task SignInAsync()
    {
        _owner = await Api.RegisterAsync("Lifecycle owner");
        _client = await _owner.ClientAsync();
    }

    [OneTimeTearDown]
    public void Dispose() => _client.Dispose();

    private async Task<JsonElement> ReadAsync(Guid projectId)
    {
        using var response = await GetProjectAsync(_client, projectId);
        await Expect.Status(response, HttpStatusCode.OK);
        return await JsonAsync(response);
    }

    [Test]
    public async Task Reading_a_project_returns_it_with_its_version_as_etag()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client, name: "Readable");

        using var response = await GetProjectAsync(_client, project.Id);

        await Expect.Status(response, HttpStatusCode.OK);
        Assert.That(ETagOf(response), Is.EqualTo("\"1\""));
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("id").GetGuid(), Is.EqualTo(project.Id));
            Assert.That(body.GetProperty("key").GetString(), Is.EqualTo(project.Key));
            Assert.That(body.GetProperty("name").GetString(), Is.EqualTo("Readable"));
            Assert.That(body.GetProperty("description").GetString(), Is.EqualTo("For tests"));
        });
    }

    [Test]
    public async Task An_unknown_project_is_404()
    {
        using var response = await GetProjectAsync(_client, Guid.CreateVersion7());
        var problem = await Expect.Problem(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.project_not_found"));
    }

    [Test]
    public async Task Patching_the_name_changes_only_the_name_stamps_who_and_bumps_the_version()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client, name: "Before");
        var maintainer = await Api.RegisterAsync();
        await ProjectScenarios.AddMemberAsync(_client, project.Id, maintainer.Id, "maintainer");
        using var maintainerClient = await maintainer.ClientAsync();

        using var response = await PatchAsync(maintainerClient, project.Id, new { name = " After " });

        await Expect.Status(response, HttpStatusCode.OK);
        Assert.That(ETagOf(response), Is.EqualTo("\"2\""));
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("name").GetString(), Is.EqualTo("After"));
            Assert.That(body.GetProperty("description").GetString(), Is.EqualTo("For tests"), "absent fields stay");
            Assert.That(body.GetProperty("version").GetInt32(), Is.EqualTo(2));
            Assert.That(body.GetProperty("updatedBy").GetGuid(), Is.EqualTo(maintainer.Id));
            Assert.That(body.GetProperty("createdBy").GetGuid(), Is.EqualTo(_owner.Id));
            Assert.That(body.GetProperty("updatedAt").GetDateTime(), Is.GreaterThan(body.GetProperty("createdAt").GetDateTime()));
        });
    }

    [Test]
    public async Task Patching_description_to_null_clears_it()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);

        using var response = await PatchAsync(_client, project.Id, new { description = (string?)null });

        await Expect.Status(response, HttpStatusCode.OK);
        var body = await JsonAsync(response);
        Assert.That(body.GetProperty("description").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(body.GetProperty("name").GetString(), Is.EqualTo(project.Name));
        Assert.That((await ReadAsync(project.Id)).GetProperty("description").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task A_patch_that_changes_nothing_keeps_the_version()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client, name: "Same");

        using var empty = await PatchAsync(_client, project.Id, new { });
        using var same = await PatchAsync(_client, project.Id, new { name = "Same", description = "For tests" });

        await Expect.Status(empty, HttpStatusCode.OK);
        await Expect.Status(same, HttpStatusCode.OK);
        Assert.That(ETagOf(same), Is.EqualTo("\"1\""));
        Assert.That((await ReadAsync(project.Id)).GetProperty("version").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_null_name_is_rejected_because_name_cannot_be_cleared()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);
        using var response = await PatchAsync(_client, project.Id, new { name = (string?)null });
        await Expect.ValidationError(response, "name");
    }

    [TestCase("", "name", TestName = "Patching an empty name is rejected")]
    [TestCase("  ", "name", TestName = "Patching a blank name is rejected")]
    public async Task Patching_invalid_names_is_rejected(string name, string field)
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);
        using var response = await PatchAsync(_client, project.Id, new { name });
        await Expect.ValidationError(response, field);
    }

    [Test]
    public async Task Patching_too_long_fields_is_rejected_and_changes_nothing()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client, name: "Unchanged");

        using var longName = await PatchAsync(_client, project.Id, new { name = new string('n', 201) });
        using var longDescription = await PatchAsync(_client, project.Id, new { description = new string('d', 10_001) });

        await Expect.ValidationError(longName, "name");
        await Expect.ValidationError(longDescription, "description");
        var body = await ReadAsync(project.Id);
        Assert.That(body.GetProperty("name").GetString(), Is.EqualTo("Unchanged"));
        Assert.That(body.GetProperty("version").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task Patching_an_unknown_property_is_rejected()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);
        using var response = await PatchAsync(_client, project.Id, new { key = "NEWKEY" });
        await Expect.ValidationError(response, "key");
    }

    [Test]
    public async Task Merge_patch_content_type_is_accepted()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);
        using var request = new HttpRequestMessage(HttpMethod.Patch, Url($"/api/v1/projects/{project.Id}"))
        {
            Content = new StringContent("""{"name":"Merged"}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
        };

        using var response = await _client.SendAsync(request);

        await Expect.Status(response, HttpStatusCode.OK);
        Assert.That((await JsonAsync(response)).GetProperty("name").GetString(), Is.EqualTo("Merged"));
    }

    [Test]
    public async Task A_stale_If_Match_is_412_and_changes_nothing()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client, name: "Original");
        using (var first = await PatchAsync(_client, project.Id, new { name = "Second" }))
        {
            await Expect.Status(first, HttpStatusCode.OK);
        }

        using var stale = await PatchAsync(_client, project.Id, new { name = "Lost update" }, ifMatch: "\"1\"");

        var problem = await Expect.Problem(stale, HttpStatusCode.PreconditionFailed);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("version_mismatch"));
        var body = await ReadAsync(project.Id);
        Assert.That(body.GetProperty("name").GetString(), Is.EqualTo("Second"));
        Assert.That(body.GetProperty("version").GetInt32(), Is.EqualTo(2));
        Assert.That(await ProjectOutbox.EventsOfAsync(project.Id), Has.Exactly(1).Matches<OutboxEvent>(e => e.Type == "project.updated"));
    }

    [Test]
    public async Task A_matching_If_Match_applies_the_change_and_bumps_the_version()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);
        using var read = await GetProjectAsync(_client, project.Id);

        using var response = await PatchAsync(_client, project.Id, new { name = "Guarded" }, ifMatch: ETagOf(read));

        await Expect.Status(response, HttpStatusCode.OK);
        Assert.That(ETagOf(response), Is.EqualTo("\"2\""));
        Assert.That((await JsonAsync(response)).GetProperty("version").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_malformed_If_Match_is_a_validation_error()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);
        using var response = await PatchAsync(_client, project.Id, new { name = "X" }, ifMatch: "version one");
        await Expect.ValidationError(response, "If-Match");
    }

    [Test]
    public async Task Archiving_hides_the_project_blocks_changes_and_restoring_brings_it_back()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client, name: "Seasonal");
        var newcomer = await Api.RegisterAsync();

        using var archive = await ArchiveAsync(_client, project.Id);

        await Expect.Status(archive, HttpStatusCode.NoContent);
        Assert.That(await AllPagesAsync(_client, "archived=false"), Does.Not.Contain(project.Id));
        Assert.That(await AllPagesAsync(_client, "archived=true"), Does.Contain(project.Id));
        var archived = await ReadAsync(project.Id);
        Assert.Multiple(() =>
        {
            Assert.That(archived.GetProperty("archivedAt").ValueKind, Is.EqualTo(JsonValueKind.String), "an archived project stays readable");
            Assert.That(archived.GetProperty("archivedBy").GetGuid(), Is.EqualTo(_owner.Id));
            Assert.That(archived.GetProperty("version").GetInt32(), Is.EqualTo(2));
        });

        using (var patch = await PatchAsync(_client, project.Id, new { name = "Changed" }))
        {
            var problem = await Expect.Problem(patch, HttpStatusCode.Conflict);
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.archived"));
        }

        using (var addMember = await PutMemberAsync(_client, project.Id, newcomer.Id, new { role = "viewer" }))
        {
            await Expect.Problem(addMember, HttpStatusCode.Conflict);
        }

        using (var archiveAgain = await ArchiveAsync(_client, project.Id))
        {
            await Expect.Problem(archiveAgain, HttpStatusCode.Conflict);
        }

        using var restore = await RestoreAsync(_client, project.Id);

        await Expect.Status(restore, HttpStatusCode.OK);
        Assert.That(ETagOf(restore), Is.EqualTo("\"3\""));
        var restored = await JsonAsync(restore);
        Assert.That(restored.GetProperty("archivedAt").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(restored.GetProperty("archivedBy").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(await AllPagesAsync(_client, "archived=false"), Does.Contain(project.Id));
        Assert.That(await AllPagesAsync(_client, "archived=true"), Does.Not.Contain(project.Id));
        using var patchAfter = await PatchAsync(_client, project.Id, new { name = "Back in business" });
        await Expect.Status(patchAfter, HttpStatusCode.OK);
    }

    [Test]
    public async Task Restoring_an_active_project_changes_nothing()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);

        using var restore = await RestoreAsync(_client, project.Id);

        await Expect.Status(restore, HttpStatusCode.OK);
        Assert.That(ETagOf(restore), Is.EqualTo("\"1\""));
        Assert.That(await ProjectOutbox.EventsOfAsync(project.Id), Has.None.Matches<OutboxEvent>(e => e.Type == "project.restored"));
    }

    [Test]
    public async Task Archiving_with_a_stale_If_Match_is_412_and_leaves_the_project_active()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);
        using (var patch = await PatchAsync(_client, project.Id, new { name = "Moved on" }))
        {
            await Expect.Status(patch, HttpStatusCode.OK);
        }

        using var stale = await ArchiveAsync(_client, project.Id, ifMatch: "\"1\"");

        await Expect.Problem(stale, HttpStatusCode.PreconditionFailed);
        Assert.That((await ReadAsync(project.Id)).GetProperty("archivedAt").ValueKind, Is.EqualTo(JsonValueKind.Null));

        using var current = await ArchiveAsync(_client, project.Id, ifMatch: "\"2\"");
        await Expect.Status(current, HttpStatusCode.NoContent);
    }

    [Test]
    public async Task Project_routes_need_credentials()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);
        using var anonymous = Api.CreateClient();

        using var read = await GetProjectAsync(anonymous, project.Id);
        using var list = await anonymous.GetAsync(Url("/api/v1/projects"));
        using var members = await anonymous.PutAsJsonAsync($"/api/v1/projects/{project.Id}/members/{_owner.Id}", new { role = "viewer" });

        await Expect.Problem(read, HttpStatusCode.Unauthorized);
        await Expect.Problem(list, HttpStatusCode.Unauthorized);
        await Expect.Problem(members, HttpStatusCode.Unauthorized);
    }
}
