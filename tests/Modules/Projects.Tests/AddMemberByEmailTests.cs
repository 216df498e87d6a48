using System.Net;
using System.Net.Http.Json;
using Orbit.Tests.Infrastructure;
using static Orbit.Tests.Projects.ProjectHttp;

namespace Orbit.Tests.Projects;

/// <summary><c>POST /projects/{id}/members</c> by email, and <c>GET /projects/{id}/members/{userId}</c>.</summary>
public sealed class AddMemberByEmailTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private ProjectTeam _team = null!;

    [OneTimeSetUp]
    public async Task CreateTeamAsync() => _team = await ProjectScenarios.CreateTeamAsync(Api);

    [OneTimeTearDown]
    public void Dispose() => _team.Dispose();

    private HttpClient Owner => _team.ClientFor("owner");

    private static Task<HttpResponseMessage> AddByEmailAsync(HttpClient client, Guid projectId, object body) =>
        client.PostAsJsonAsync($"/api/v1/projects/{projectId}/members", body);

    [Test]
    public async Task A_maintainer_adds_a_user_by_email_in_any_case_and_gets_201_with_location_and_email()
    {
        var projectId = await _team.NewProjectAsync();
        var newcomer = await Api.RegisterAsync("Newcomer");

        using var response = await AddByEmailAsync(_team.ClientFor("maintainer"), projectId, new { email = newcomer.Email.ToUpperInvariant(), role = "member" });

        await Expect.Status(response, HttpStatusCode.Created);
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/projects/{projectId}/members/{newcomer.Id}"));
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("userId").GetGuid(), Is.EqualTo(newcomer.Id));
            Assert.That(body.GetProperty("displayName").GetString(), Is.EqualTo("Newcomer"));
            Assert.That(body.GetProperty("email").GetString(), Is.EqualTo(newcomer.Email));
            Assert.That(body.GetProperty("role").GetString(), Is.EqualTo("member"));
            Assert.That(body.GetProperty("addedAt").GetString(), Does.EndWith("Z"));
        });

        using var read = await _team.ClientFor("viewer").GetAsync(response.Headers.Location);
        await Expect.Status(read, HttpStatusCode.OK);
        Assert.That((await JsonAsync(read)).ToString(), Is.EqualTo(body.ToString()), "the Location reads back what was created");
    }

    [Test]
    public async Task Adding_by_email_publishes_the_same_member_added_event_as_adding_by_id()
    {
        var projectId = await _team.NewProjectAsync();
        var byEmail = await Api.RegisterAsync();
        var byId = await Api.RegisterAsync();

        using (var added = await AddByEmailAsync(Owner, projectId, new { email = byEmail.Email, role = "viewer" }))
        {
            await Expect.Status(added, HttpStatusCode.Created);
        }

        using (var put = await PutMemberAsync(Owner, projectId, byId.Id, new { role = "viewer" }))
        {
            await Expect.Status(put, HttpStatusCode.Created);
        }

        var events = (await ProjectOutbox.EventsOfAsync(projectId)).Where(e => e.Type == "member.added").Select(e => e.Payload).ToList();
        var fromEmail = events.Single(e => e.GetProperty("userId").GetGuid() == byEmail.Id);
        var fromId = events.Single(e => e.GetProperty("userId").GetGuid() == byId.Id);
        Assert.Multiple(() =>
        {
            Assert.That(fromEmail.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(fromId.EnumerateObject().Select(p => p.Name)));
            Assert.That(fromEmail.GetProperty("role").GetString(), Is.EqualTo("viewer"));
            Assert.That(fromEmail.GetProperty("actorId").GetGuid(), Is.EqualTo(_team.UserFor("owner").Id));
        });
    }

    [Test]
    public async Task An_email_without_an_account_is_404_members_user_not_found_and_adds_nobody()
    {
        var projectId = await _team.NewProjectAsync();

        using var response = await AddByEmailAsync(Owner, projectId, new { email = $"nobody-{Guid.NewGuid():N}@tests.orbit", role = "member" });

        var problem = await Expect.Problem(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("members.user_not_found"));
        Assert.That(await MembersAsync(Owner, projectId), Has.Count.EqualTo(4));
    }

    [Test]
    public async Task A_disabled_account_cannot_be_added_by_email()
    {
        var projectId = await _team.NewProjectAsync();
        var disabled = await Api.RegisterAsync();
        using var admin = await Api.AdminClientAsync();
        using (var disable = await admin.PostAsync(Url($"/api/v1/admin/users/{disabled.Id}/disable"), null))
        {
            await Expect.Status(disable, HttpStatusCode.OK);
        }

        using var response = await AddByEmailAsync(Owner, projectId, new { email = disabled.Email, role = "member" });

        var problem = await Expect.Problem(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("members.user_not_found"));
    }

    [Test]
    public async Task Adding_someone_who_already_belongs_is_409_members_already_member_and_keeps_their_role()
    {
        var projectId = await _team.NewProjectAsync();

        using var response = await AddByEmailAsync(Owner, projectId, new { email = _team.UserFor("viewer").Email, role = "maintainer" });

        var problem = await Expect.Problem(response, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("members.already_member"));
        var members = await MembersAsync(Owner, projectId);
        Assert.That(members.Single(m => m.GetProperty("userId").GetGuid() == _team.UserFor("viewer").Id).GetProperty("role").GetString(), Is.EqualTo("viewer"));
    }

    [TestCase("member")]
    [TestCase("viewer")]
    public async Task Members_below_maintainer_get_403(string role)
    {
        var projectId = await _team.NewProjectAsync();
        var newcomer = await Api.RegisterAsync();

        using var response = await AddByEmailAsync(_team.ClientFor(role), projectId, new { email = newcomer.Email, role = "viewer" });

        var problem = await Expect.Problem(response, HttpStatusCode.Forbidden);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.role_too_low"));
    }

    [Test]
    public async Task Only_an_owner_adds_an_owner()
    {
        var projectId = await _team.NewProjectAsync();
        var newcomer = await Api.RegisterAsync();

        using var byMaintainer = await AddByEmailAsync(_team.ClientFor("maintainer"), projectId, new { email = newcomer.Email, role = "owner" });
        await Expect.Problem(byMaintainer, HttpStatusCode.Forbidden);

        using var byOwner = await AddByEmailAsync(Owner, projectId, new { email = newcomer.Email, role = "owner" });
        await Expect.Status(byOwner, HttpStatusCode.Created);
    }

    [Test]
    public async Task A_non_member_gets_404_as_if_the_project_did_not_exist()
    {
        var projectId = await _team.NewProjectAsync();
        var newcomer = await Api.RegisterAsync();

        using var response = await AddByEmailAsync(_team.ClientFor("none"), projectId, new { email = newcomer.Email, role = "viewer" });

        var problem = await Expect.Problem(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.project_not_found"));
    }

    [Test]
    public async Task Adding_to_an_archived_project_is_409()
    {
        var projectId = await _team.NewProjectAsync();
        var newcomer = await Api.RegisterAsync();
        using (var archive = await ArchiveAsync(Owner, projectId))
        {
            await Expect.Status(archive, HttpStatusCode.NoContent);
        }

        using var response = await AddByEmailAsync(Owner, projectId, new { email = newcomer.Email, role = "viewer" });

        var problem = await Expect.Problem(response, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.archived"));
    }

    [TestCase(null, "member", "email")]
    [TestCase("", "member", "email")]
    [TestCase("not-an-email", "member", "email")]
    [TestCase("someone@tests.orbit", "admin", "role")]
    [TestCase("someone@tests.orbit", null, "role")]
    public async Task Bad_input_is_a_validation_error_naming_the_field_and_adds_nobody(string? email, string? role, string field)
    {
        var projectId = await _team.NewProjectAsync();

        using var response = await AddByEmailAsync(Owner, projectId, new { email, role });

        var problem = await Expect.ValidationError(response, field);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("validation_failed"));
        Assert.That(await MembersAsync(Owner, projectId), Has.Count.EqualTo(4));
    }

    [Test]
    public async Task An_email_longer_than_an_account_can_have_is_a_validation_error()
    {
        var projectId = await _team.NewProjectAsync();
        using var response = await AddByEmailAsync(Owner, projectId, new { email = new string('a', 250) + "@x.io", role = "member" });
        await Expect.ValidationError(response, "email");
    }

    [Test]
    public async Task A_retry_with_the_same_idempotency_key_replays_the_201()
    {
        var projectId = await _team.NewProjectAsync();
        var newcomer = await Api.RegisterAsync();
        var key = Guid.NewGuid().ToString();

        async Task<HttpResponseMessage> SendAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Url($"/api/v1/projects/{projectId}/members"))
            {
                Content = JsonContent.Create(new { email = newcomer.Email, role = "member" }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return await Owner.SendAsync(request);
        }

        using var first = await SendAsync();
        using var second = await SendAsync();

        await Expect.Status(first, HttpStatusCode.Created);
        await Expect.Status(second, HttpStatusCode.Created);
        Assert.That(second.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
        Assert.That(second.Headers.Location, Is.EqualTo(first.Headers.Location));
    }

    [Test]
    public async Task Any_member_reads_one_member_with_email()
    {
        var projectId = await _team.NewProjectAsync();
        var maintainer = _team.UserFor("maintainer");

        using var response = await _team.ClientFor("viewer").GetAsync(Url($"/api/v1/projects/{projectId}/members/{maintainer.Id}"));

        await Expect.Status(response, HttpStatusCode.OK);
        var body = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("userId").GetGuid(), Is.EqualTo(maintainer.Id));
            Assert.That(body.GetProperty("email").GetString(), Is.EqualTo(maintainer.Email));
            Assert.That(body.GetProperty("role").GetString(), Is.EqualTo("maintainer"));
        });
    }

    [Test]
    public async Task Reading_someone_who_is_not_a_member_is_404_member_not_found()
    {
        var projectId = await _team.NewProjectAsync();

        using var response = await Owner.GetAsync(Url($"/api/v1/projects/{projectId}/members/{_team.UserFor("none").Id}"));

        var problem = await Expect.Problem(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.member_not_found"));
    }

    [Test]
    public async Task A_non_member_cannot_read_a_member()
    {
        var projectId = await _team.NewProjectAsync();

        using var response = await _team.ClientFor("none").GetAsync(Url($"/api/v1/projects/{projectId}/members/{_team.UserFor("owner").Id}"));

        var problem = await Expect.Problem(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.project_not_found"));
    }

    [Test]
    public async Task The_member_list_carries_emails()
    {
        var projectId = await _team.NewProjectAsync();

        var members = await MembersAsync(_team.ClientFor("viewer"), projectId);

        Assert.That(members.Select(m => m.GetProperty("email").GetString()),
            Is.EquivalentTo(new[] { "owner", "maintainer", "member", "viewer" }.Select(r => _team.UserFor(r).Email)));
    }

    [Test]
    public async Task The_openapi_document_describes_adding_and_reading_a_member()
    {
        using var client = Api.CreateClient();
        var document = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(Url("/openapi/v1.json"))).RootElement;
        var paths = document.GetProperty("paths");
        var add = paths.GetProperty("/api/v1/projects/{projectId}/members").GetProperty("post");
        var get = paths.GetProperty("/api/v1/projects/{projectId}/members/{userId}").GetProperty("get");
        Assert.Multiple(() =>
        {
            Assert.That(add.GetProperty("operationId").GetString(), Is.EqualTo("AddProjectMember"));
            Assert.That(add.GetProperty("responses").EnumerateObject().Select(r => r.Name), Is.SupersetOf(new[] { "201", "400", "401", "403", "404", "409" }));
            Assert.That(add.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Does.Contain("Idempotency-Key"));
            Assert.That(get.GetProperty("operationId").GetString(), Is.EqualTo("GetProjectMember"));
            Assert.That(document.GetProperty("components").GetProperty("schemas").GetProperty("MemberResponse").GetProperty("properties").TryGetProperty("email", out _), Is.True);
        });
    }
}
