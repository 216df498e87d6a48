using System.Net;
using Orbit.Tests.Infrastructure;
using static Orbit.Tests.Projects.ProjectHttp;

namespace Orbit.Tests.Projects;

public sealed class ListProjectsTests
{
    private static OrbitApi Api => TestPostgres.Api;

    [Test]
    public async Task The_list_holds_the_projects_you_belong_to_and_no_others()
    {
        var me = await Api.RegisterAsync();
        using var myClient = await me.ClientAsync();
        var stranger = await Api.RegisterAsync();
        using var strangerClient = await stranger.ClientAsync();
        var mine = await ProjectScenarios.CreateProjectAsync(myClient);
        var theirs = await ProjectScenarios.CreateProjectAsync(strangerClient);
        var shared = await ProjectScenarios.CreateProjectAsync(strangerClient);
        await ProjectScenarios.AddMemberAsync(strangerClient, shared.Id, me.Id, "viewer");

        var listed = await AllPagesAsync(myClient, "archived=false");

        Assert.That(listed, Is.EquivalentTo(new[] { mine.Id, shared.Id }));
        Assert.That(listed, Does.Not.Contain(theirs.Id));
    }

    [Test]
    public async Task Paging_with_limit_2_walks_every_project_once_in_order_while_others_are_created()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await ProjectScenarios.CreateProjectAsync(client, name: $"Project {i}")).Id);
        }

        var seen = new List<Guid>();
        var pageSizes = new List<int>();
        string? cursor = null;
        do
        {
            using var response = await client.GetAsync(Url("/api/v1/projects?limit=2" + (cursor is null ? "" : "&cursor=" + cursor)));
            await Expect.Status(response, HttpStatusCode.OK);
            var page = await JsonAsync(response);
            var items = page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();
            seen.AddRange(items);
            pageSizes.Add(items.Count);
            cursor = page.GetProperty("nextCursor").GetString();
            Assert.That(response.Headers.TryGetValues("Link", out var link), Is.EqualTo(cursor is not null), "Link rel=next exactly when there is a next page");
            if (cursor is not null)
            {
                Assert.That(link!.Single(), Does.Contain("rel=\"next\"").And.Contain("limit=2").And.Contain("cursor=" + cursor));
            }

            if (seen.Count == 2)
            {
                // A project created mid-walk sorts after everything already served, so nothing shifts.
                created.Add((await ProjectScenarios.CreateProjectAsync(client, name: "Created while paging")).Id);
            }
        }
        while (cursor is not null && seen.Count < 100);

        Assert.That(seen, Is.Unique);
        Assert.That(seen, Is.Ordered);
        Assert.That(seen, Is.EqualTo(created));
        Assert.That(pageSizes, Is.EqualTo(new[] { 2, 2, 2 }));
    }

    [Test]
    public async Task An_empty_list_has_no_next_cursor()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();

        using var response = await client.GetAsync(Url("/api/v1/projects"));

        await Expect.Status(response, HttpStatusCode.OK);
        var page = await JsonAsync(response);
        Assert.That(page.GetProperty("items").GetArrayLength(), Is.Zero);
        Assert.That(page.GetProperty("nextCursor").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=101", "limit")]
    [TestCase("limit=abc", "limit")]
    [TestCase("cursor=not-a-cursor", "cursor")]
    [TestCase("all=maybe", "all")]
    [TestCase("archived=maybe", "archived")]
    public async Task Bad_list_parameters_are_validation_errors(string query, string field)
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        using var response = await client.GetAsync(Url($"/api/v1/projects?{query}"));
        await Expect.ValidationError(response, field);
    }

    [Test]
    public async Task A_non_admin_asking_for_all_projects_gets_403()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();

        using var response = await client.GetAsync(Url("/api/v1/projects?all=true"));

        var problem = await Expect.Problem(response, HttpStatusCode.Forbidden);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("projects.all_requires_admin"));
    }

    [Test]
    public async Task Admins_see_every_project_with_all_true_but_cannot_read_or_change_one()
    {
        var owner = await Api.RegisterAsync();
        using var ownerClient = await owner.ClientAsync();
        var active = await ProjectScenarios.CreateProjectAsync(ownerClient);
        var archived = await ProjectScenarios.CreateProjectAsync(ownerClient);
        using (var archive = await ArchiveAsync(ownerClient, archived.Id))
        {
            await Expect.Status(archive, HttpStatusCode.NoContent);
        }

        using var admin = await Api.AdminClientAsync();

        var all = await AllPagesAsync(admin, "all=true");
        Assert.That(all, Does.Contain(active.Id).And.Not.Contain(archived.Id));
        Assert.That(all, Is.Ordered.And.Unique);
        Assert.That(await AllPagesAsync(admin, "all=true&archived=true"), Does.Contain(archived.Id).And.Not.Contain(active.Id));
        Assert.That(await AllPagesAsync(admin, "archived=false"), Does.Not.Contain(active.Id), "without all=true an admin sees only their own");

        // Admins are not members (docs/adr/0005): the project is invisible to them one by one.
        using var read = await GetProjectAsync(admin, active.Id);
        await Expect.Problem(read, HttpStatusCode.NotFound);
        using var patch = await PatchAsync(admin, active.Id, new { name = "Admin was here" });
        await Expect.Problem(patch, HttpStatusCode.NotFound);
        using var check = await GetProjectAsync(ownerClient, active.Id);
        Assert.That((await JsonAsync(check)).GetProperty("name").GetString(), Is.EqualTo(active.Name));
    }
}
