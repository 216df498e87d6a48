using System.Net;
using Orbit.Tests.Infrastructure;
using static Orbit.Tests.Projects.ProjectHttp;

namespace Orbit.Tests.Projects;

public sealed class MemberTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private ProjectTeam _team = null!;

    /// <summary>One set of people for the fixture; each test makes its own project with them.</summary>
    [OneTimeSetUp]
    public async Task CreateTeamAsync() => _team = await ProjectScenarios.CreateTeamAsync(Api);

    [OneTimeTearDown]
    public void Dispose() => _team.Dispose();

    private HttpClient Owner => _team.ClientFor("owner");

    private static string? RoleOf(List<System.Text.Json.JsonElement> members, Guid userId) =>
        members.SingleOrDefault(m => m.GetProperty("userId").GetGuid() == userId) is { ValueKind: System.Text.Json.JsonValueKind.Object } member
            ? member.GetProperty("role").GetString()
            : null;

    [Test]
    public async Task Members_are_listed_with_display_name_role_and_when_they_were_added()
    {
        var projectId = await _team.NewProjectAsync();

        var members = await MembersAsync(_team.ClientFor("viewer"), projectId);

        Assert.That(members, Has.Count.EqualTo(4));
        Assert.That(members.Select(m => m.GetProperty("userId").GetGuid()), Is.Ordered);
        var maintainer = members.Single(m => m.GetProperty("userId").GetGuid() == _team.UserFor("maintainer").Id);
        Assert.Multiple(() =>
        {
            Assert.That(maintainer.GetProperty("displayName").GetString(), Is.EqualTo("Maintainer"));
            Assert.That(maintainer.GetProperty("role").GetString(), Is.EqualTo("maintainer"));
            Assert.That(maintainer.GetProperty("addedAt").GetString(), Does.EndWith("Z"));
        });
    }

    [Test]
    public async Task The_member_list_pages_by_limit_and_cursor()
    {
        var projectId = await _team.NewProjectAsync();
        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            using var response = await Owner.GetAsync(Url($"/api/v1/projects/{projectId}/members?limit=3" + (cursor is null ? "" : "&cursor=" + cursor)));
            await Expect.Status(response, HttpStatusCode.OK);
            var page = await JsonAsync(response);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("userId").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && seen.Count < 100);

        Assert.That(seen, Has.Count.EqualTo(4).And.Unique.And.Ordered);
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=101", "limit")]
    [TestCase("cursor=%%%", "cursor")]
    public async Task Bad_member_list_parameters_are_validation_errors(string query, string field)
    {
        var projectId = await _team.NewProjectAsync();
        using var response = await Owner.GetAsync(Url($"/api/v1/projects/{projectId}/members?{query}"));
        await Expect.ValidationError(response, field);
    }

    [Test]
    public async Task Adding_a_user_is_201_and_changing_their_role_is_200()
    {
        var projectId = await _team.NewProjectAsync();
        var newcomer = await Api.RegisterAsync("Newcomer");
        var maintainer = _team.ClientFor("maintainer");

        using var added = await PutMemberAsync(maintainer, projectId, newcomer.Id, new { role = "member" });

        await Expect.Status(added, HttpStatusCode.Created);
        Assert.That(added.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/projects/{projectId}/members/{newcomer.Id}"));
        var body = await JsonAsync(added);
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("userId").GetGuid(), Is.EqualTo(newcomer.Id));
            Assert.That(body.GetProperty("displayName").GetString(), Is.EqualTo("Newcomer"));
            Assert.That(body.GetProperty("role").GetString(), Is.EqualTo("member"));
        });

        using var changed = await PutMemberAsync(maintainer, projectId, newcomer.Id, new { role = "maintainer" });
        await Expect.Status(changed, HttpStatusCode.OK);
        Assert.That((await JsonAsync(changed)).GetProperty("addedAt").GetString(), Is.EqualTo(body.GetProperty("addedAt").GetString()));

        using var unchanged = await PutMemberAsync(maintainer, projectId, newcomer.Id, new { role = "maintainer" });
        await Expect.Status(unchanged, HttpStatusCode.OK);
        Assert.That(RoleOf(await MembersAsync(Owner, projectId), newcomer.Id), Is.EqualTo("maintainer"));
    }

    [Test]
    public async Task Adding_an_unknown_user_is_404_with_a_clear_detail()
    {
        var projectId = await _team.NewProjectAsync();

        using var response = await PutMemberAsync(Owner, projectId, Guid.CreateVersion7(), new { role = "member" });

        var problem = await Expect.Problem(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.user_not_found"));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("no user"));
    }

    [TestCase("admin", TestName = "A role that projects do not have is rejected")]
    [TestCase("Owner", TestName = "A role in the wrong case is rejected")]
    [TestCase("", TestName = "An empty role is rejected")]
    [TestCase(null, TestName = "A null role is rejected")]
    public async Task Invalid_roles_are_validation_errors(string? role)
    {
        var projectId = await _team.NewProjectAsync();
        var newcomer = _team.UserFor("none");

        using var response = await PutMemberAsync(Owner, projectId, newcomer.Id, new { role });

        var problem = await Expect.ValidationError(response, "role");
        Assert.That(problem.GetProperty("errors").GetProperty("role")[0].GetString(), Does.Contain("role"));
    }

    [Test]
    public async Task A_missing_role_is_a_validation_error()
    {
        var projectId = await _team.NewProjectAsync();
        using var response = await PutMemberAsync(Owner, projectId, _team.UserFor("none").Id, new { });
        await Expect.ValidationError(response, "role");
    }

    [Test]
    public async Task A_maintainer_can_neither_demote_nor_remove_an_owner()
    {
        var projectId = await _team.NewProjectAsync();
        var secondOwner = await Api.RegisterAsync();
        await ProjectScenarios.AddMemberAsync(Owner, projectId, secondOwner.Id, "owner");
        var maintainer = _team.ClientFor("maintainer");

        using var demote = await PutMemberAsync(maintainer, projectId, secondOwner.Id, new { role = "viewer" });
        using var remove = await RemoveMemberAsync(maintainer, projectId, secondOwner.Id);

        await Expect.Problem(demote, HttpStatusCode.Forbidden);
        await Expect.Problem(remove, HttpStatusCode.Forbidden);
        Assert.That(RoleOf(await MembersAsync(Owner, projectId), secondOwner.Id), Is.EqualTo("owner"));
    }

    [Test]
    public async Task A_maintainer_cannot_make_themself_owner_but_can_step_down()
    {
        var projectId = await _team.NewProjectAsync();
        var maintainer = _team.UserFor("maintainer");
        var client = _team.ClientFor("maintainer");

        using var promote = await PutMemberAsync(client, projectId, maintainer.Id, new { role = "owner" });
        await Expect.Problem(promote, HttpStatusCode.Forbidden);

        using var stepDown = await PutMemberAsync(client, projectId, maintainer.Id, new { role = "member" });
        await Expect.Status(stepDown, HttpStatusCode.OK);
        Assert.That(RoleOf(await MembersAsync(Owner, projectId), maintainer.Id), Is.EqualTo("member"));
    }

    [Test]
    public async Task The_last_owner_cannot_be_demoted()
    {
        var projectId = await _team.NewProjectAsync();

        using var response = await PutMemberAsync(Owner, projectId, _team.UserFor("owner").Id, new { role = "maintainer" });

        var problem = await Expect.Problem(response, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.last_owner"));
        Assert.That(RoleOf(await MembersAsync(Owner, projectId), _team.UserFor("owner").Id), Is.EqualTo("owner"));
    }

    [Test]
    public async Task The_last_owner_cannot_be_removed_or_leave()
    {
        var projectId = await _team.NewProjectAsync();

        using var response = await RemoveMemberAsync(Owner, projectId, _team.UserFor("owner").Id);

        var problem = await Expect.Problem(response, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.last_owner"));
        Assert.That(RoleOf(await MembersAsync(Owner, projectId), _team.UserFor("owner").Id), Is.EqualTo("owner"));
    }

    [Test]
    public async Task With_a_second_owner_an_owner_may_step_down_and_then_leave()
    {
        var projectId = await _team.NewProjectAsync();
        var owner = _team.UserFor("owner");
        await ProjectScenarios.AddMemberAsync(Owner, projectId, _team.UserFor("maintainer").Id, "owner");

        using var stepDown = await PutMemberAsync(Owner, projectId, owner.Id, new { role = "maintainer" });
        await Expect.Status(stepDown, HttpStatusCode.OK);
        using var leave = await RemoveMemberAsync(Owner, projectId, owner.Id);
        await Expect.Status(leave, HttpStatusCode.NoContent);

        using var afterwards = await GetProjectAsync(Owner, projectId);
        await Expect.Problem(afterwards, HttpStatusCode.NotFound);
        using var lastOwnerLeaves = await RemoveMemberAsync(_team.ClientFor("maintainer"), projectId, _team.UserFor("maintainer").Id);
        await Expect.Problem(lastOwnerLeaves, HttpStatusCode.Conflict);
    }

    [TestCase("viewer")]
    [TestCase("member")]
    public async Task A_member_may_leave_a_project_whatever_their_role(string role)
    {
        var projectId = await _team.NewProjectAsync();
        var client = _team.ClientFor(role);
        using (var before = await GetProjectAsync(client, projectId))
        {
            await Expect.Status(before, HttpStatusCode.OK);
        }

        using var leave = await RemoveMemberAsync(client, projectId, _team.UserFor(role).Id);

        await Expect.Status(leave, HttpStatusCode.NoContent);
        using var after = await GetProjectAsync(client, projectId);
        await Expect.Problem(after, HttpStatusCode.NotFound);
        Assert.That(RoleOf(await MembersAsync(Owner, projectId), _team.UserFor(role).Id), Is.Null);
    }

    [Test]
    public async Task Removing_someone_who_is_not_a_member_is_404()
    {
        var projectId = await _team.NewProjectAsync();

        using var response = await RemoveMemberAsync(Owner, projectId, _team.UserFor("none").Id);

        var problem = await Expect.Problem(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.member_not_found"));
    }

    [Test]
    public async Task A_demoted_maintainer_loses_their_rights_at_once()
    {
        var projectId = await _team.NewProjectAsync();
        var maintainer = _team.ClientFor("maintainer");
        // The first request caches the maintainer's membership; the demotion must evict it.
        using (var allowed = await PatchAsync(maintainer, projectId, new { name = "While maintainer" }))
        {
            await Expect.Status(allowed, HttpStatusCode.OK);
        }

        await ProjectScenarios.AddMemberAsync(Owner, projectId, _team.UserFor("maintainer").Id, "viewer");

        using var denied = await PatchAsync(maintainer, projectId, new { name = "After demotion" });
        var problem = await Expect.Problem(denied, HttpStatusCode.Forbidden);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.role_too_low"));
    }

    [Test]
    public async Task A_removed_member_loses_access_at_once_and_an_added_one_gains_it_at_once()
    {
        var projectId = await _team.NewProjectAsync();
        var viewer = _team.ClientFor("viewer");
        using (var before = await GetProjectAsync(viewer, projectId))
        {
            await Expect.Status(before, HttpStatusCode.OK);
        }

        using (var remove = await RemoveMemberAsync(Owner, projectId, _team.UserFor("viewer").Id))
        {
            await Expect.Status(remove, HttpStatusCode.NoContent);
        }

        using (var after = await GetProjectAsync(viewer, projectId))
        {
            await Expect.Problem(after, HttpStatusCode.NotFound);
        }

        var outsider = _team.ClientFor("none");
        using (var notYet = await GetProjectAsync(outsider, projectId))
        {
            await Expect.Problem(notYet, HttpStatusCode.NotFound);
        }

        await ProjectScenarios.AddMemberAsync(Owner, projectId, _team.UserFor("none").Id, "viewer");
        using var now = await GetProjectAsync(outsider, projectId);
        await Expect.Status(now, HttpStatusCode.OK);
    }
}
