using System.Net;
using System.Text.Json;
using Orbit.Tests.Infrastructure;
using static Orbit.Tests.Projects.ProjectHttp;

namespace Orbit.Tests.Projects;

/// <summary><c>GET /people</c>: only people who share a project with the caller, ever.</summary>
public sealed class PeoplePickerTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private sealed record Person(Guid Id, string DisplayName, string Email);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static async Task<List<Person>> FindAsync(HttpClient client, string query = "")
    {
        using var response = await client.GetAsync(Url("/api/v1/people" + (query.Length > 0 ? "?" + query : "")));
        await Expect.Status(response, HttpStatusCode.OK);
        var body = await JsonAsync(response);
        Assert.That(body.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "items" }));
        return body.GetProperty("items").Deserialize<List<Person>>(Json)!;
    }

    /// <summary>A caller with a project of their own, holding the given people; names carry a marker unique to the test.</summary>
    private static async Task<(TestUser Caller, HttpClient Client, string Marker)> CallerWithColleaguesAsync(params TestUser[] colleagues)
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var caller = await Api.RegisterAsync($"Caller {marker}");
        var client = await caller.ClientAsync();
        var project = await ProjectScenarios.CreateProjectAsync(client);
        foreach (var colleague in colleagues)
        {
            await ProjectScenarios.AddMemberAsync(client, project.Id, colleague.Id, "viewer");
        }

        return (caller, client, marker);
    }

    [Test]
    public async Task Co_members_are_found_by_part_of_name_or_email_in_any_case_ordered_by_name()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var zoe = await Api.RegisterAsync($"zoe {marker}");
        var adam = await Api.RegisterAsync($"Adam {marker}");
        var other = await Api.RegisterAsync("Somebody Else");
        var (caller, client, _) = await CallerWithColleaguesAsync(zoe, adam, other);
        using (client)
        {
            var byName = await FindAsync(client, $"q={marker.ToUpperInvariant()}");
            Assert.That(byName.Select(p => p.Id), Is.EqualTo(new[] { adam.Id, zoe.Id }), "ordered by display name, case aside");
            Assert.That(byName[0], Is.EqualTo(new Person(adam.Id, $"Adam {marker}", adam.Email)));

            var byEmail = await FindAsync(client, $"q={Uri.EscapeDataString(other.Email[..12].ToUpperInvariant())}");
            Assert.That(byEmail.Select(p => p.Id), Is.EqualTo(new[] { other.Id }));

            var everyone = await FindAsync(client);
            Assert.That(everyone.Select(p => p.Id), Is.EquivalentTo(new[] { caller.Id, zoe.Id, adam.Id, other.Id }), "blank q: every co-member, the caller included");
        }
    }

    [Test]
    public async Task Someone_who_shares_no_project_is_never_returned_even_by_exact_email_or_name()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var stranger = await Api.RegisterAsync($"Stranger {marker}");
        var colleague = await Api.RegisterAsync($"Colleague {marker}");
        // The stranger is in a project too, just not one of the caller's.
        using (var strangerClient = await stranger.ClientAsync())
        {
            await ProjectScenarios.CreateProjectAsync(strangerClient);
        }

        var (_, client, _) = await CallerWithColleaguesAsync(colleague);
        using (client)
        {
            Assert.That(await FindAsync(client, $"q={Uri.EscapeDataString(stranger.Email)}"), Is.Empty);
            Assert.That(await FindAsync(client, $"q=Stranger%20{marker}"), Is.Empty);
            Assert.That((await FindAsync(client, $"q={marker}&limit=50")).Select(p => p.Id), Is.EqualTo(new[] { colleague.Id }));
            Assert.That((await FindAsync(client, "limit=50")).Select(p => p.Id), Does.Not.Contain(stranger.Id));
        }
    }

    [Test]
    public async Task Someone_without_projects_finds_nobody()
    {
        var loner = await Api.RegisterAsync();
        using var client = await loner.ClientAsync();
        Assert.That(await FindAsync(client), Is.Empty);
    }

    [Test]
    public async Task A_removed_member_is_no_longer_found()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var leaving = await Api.RegisterAsync($"Leaving {marker}");
        var caller = await Api.RegisterAsync();
        using var client = await caller.ClientAsync();
        var project = await ProjectScenarios.CreateProjectAsync(client);
        await ProjectScenarios.AddMemberAsync(client, project.Id, leaving.Id, "member");
        Assert.That(await FindAsync(client, $"q={marker}"), Has.Count.EqualTo(1));

        using (var remove = await RemoveMemberAsync(client, project.Id, leaving.Id))
        {
            await Expect.Status(remove, HttpStatusCode.NoContent);
        }

        Assert.That(await FindAsync(client, $"q={marker}"), Is.Empty);
    }

    [Test]
    public async Task Disabled_users_are_not_offered()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var disabled = await Api.RegisterAsync($"Disabled {marker}");
        var (_, client, _) = await CallerWithColleaguesAsync(disabled);
        using (client)
        {
            using var admin = await Api.AdminClientAsync();
            using (var disable = await admin.PostAsync(Url($"/api/v1/admin/users/{disabled.Id}/disable"), null))
            {
                await Expect.Status(disable, HttpStatusCode.OK);
            }

            Assert.That(await FindAsync(client, $"q={marker}"), Is.Empty);
        }
    }

    [Test]
    public async Task Limit_caps_the_answer_and_wildcards_in_q_are_literal()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var people = new List<TestUser>();
        for (var i = 0; i < 3; i++)
        {
            people.Add(await Api.RegisterAsync($"Limited {i} {marker}"));
        }

        var (_, client, _) = await CallerWithColleaguesAsync([.. people]);
        using (client)
        {
            Assert.That((await FindAsync(client, $"q={marker}&limit=2")).Select(p => p.Id), Is.EqualTo(people.Take(2).Select(p => p.Id)));
            Assert.That(await FindAsync(client, "q=%25"), Is.Empty, "% is not a wildcard");
            Assert.That(await FindAsync(client, "q=_"), Is.Empty, "_ is not a wildcard");
        }
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=51", "limit")]
    [TestCase("limit=many", "limit")]
    public async Task Bad_parameters_are_validation_errors(string query, string field)
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        using var response = await client.GetAsync(Url($"/api/v1/people?{query}"));
        await Expect.ValidationError(response, field);
    }

    [Test]
    public async Task A_q_longer_than_100_characters_is_a_validation_error()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        using var response = await client.GetAsync(Url($"/api/v1/people?q={new string('a', 101)}"));
        await Expect.ValidationError(response, "q");
    }

    [Test]
    public async Task The_picker_needs_a_signed_in_user()
    {
        using var anonymous = Api.CreateClient();
        using var response = await anonymous.GetAsync(Url("/api/v1/people?q=a"));
        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task The_openapi_document_describes_the_picker()
    {
        using var client = Api.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync(Url("/openapi/v1.json"))).RootElement;
        var operation = document.GetProperty("paths").GetProperty("/api/v1/people").GetProperty("get");
        Assert.Multiple(() =>
        {
            Assert.That(operation.GetProperty("operationId").GetString(), Is.EqualTo("FindPeople"));
            Assert.That(operation.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Is.SupersetOf(new[] { "q", "limit" }));
            Assert.That(operation.GetProperty("responses").EnumerateObject().Select(r => r.Name), Is.SupersetOf(new[] { "200", "400", "401" }));
            Assert.That(document.GetProperty("components").GetProperty("schemas").GetProperty("PersonResponse").GetProperty("properties")
                .EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "id", "displayName", "email" }));
        });
    }
}
