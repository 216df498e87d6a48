using System.Net;
using System.Net.Http.Json;

namespace Orbit.Tests.Infrastructure;

public sealed record ProjectBody(Guid Id, string Key, string Name, string? Description, int Version);

/// <summary>Set-up steps that project and task tests share.</summary>
public static class ProjectScenarios
{
    /// <summary>A fresh project key: 2–10 of A–Z0–9 starting with a letter, unique per call.</summary>
    public static string NewKey() => "P" + Convert.ToHexString(Guid.NewGuid().ToByteArray())[..8];

    public static async Task<ProjectBody> CreateProjectAsync(HttpClient owner, string? key = null, string? name = null)
    {
        using var response = await owner.PostAsJsonAsync("/api/v1/projects", new { key = key ?? NewKey(), name = name ?? "Project", description = "For tests" });
        await Expect.Status(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<ProjectBody>())!;
    }

    /// <summary>Adds (or changes) a member with role viewer, member, maintainer or owner.</summary>
    public static async Task AddMemberAsync(HttpClient actor, Guid projectId, Guid userId, string role)
    {
        using var response = await actor.PutAsJsonAsync($"/api/v1/projects/{projectId}/members/{userId}", new { role });
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created))
        {
            await Expect.Status(response, HttpStatusCode.OK);
        }
    }

    /// <summary>
    /// A fresh project owned by one user, with one user in each other role and an outsider, each with a signed-in
    /// client. Roles live per project, so the same five people serve every team: registering and signing in anew
    /// for each test would spend most of the suite on PBKDF2 at its production cost.
    /// </summary>
    public static async Task<ProjectTeam> CreateTeamAsync(OrbitApi api)
    {
        // Each team gets its own clients (fixtures may dispose them); only the signed-in tokens are shared.
        var people = (await PeopleOf(api)).ToDictionary(p => p.Key, p => (p.Value.User, Client: api.CreateClient(p.Value.AccessToken)));
        var project = await CreateProjectWithTeamAsync(people["owner"].Client, role => people[role].User.Id);
        return new ProjectTeam(project, people);
    }

    /// <summary>A new project of the owner's, with the team's maintainer, member and viewer in their roles.</summary>
    internal static async Task<ProjectBody> CreateProjectWithTeamAsync(HttpClient owner, Func<string, Guid> userIn)
    {
        var project = await CreateProjectAsync(owner);
        foreach (var role in new[] { "maintainer", "member", "viewer" })
        {
            await AddMemberAsync(owner, project.Id, userIn(role), role);
        }

        return project;
    }

    private static readonly Dictionary<OrbitApi, Task<Dictionary<string, (TestUser User, string AccessToken)>>> People = [];

    private static Task<Dictionary<string, (TestUser User, string AccessToken)>> PeopleOf(OrbitApi api)
    {
        lock (People)
        {
            if (!People.TryGetValue(api, out var people))
            {
                People[api] = people = RegisterPeopleAsync(api);
            }

            return people;
        }
    }

    // Access tokens last 15 minutes, longer than the whole suite runs.
    private static async Task<Dictionary<string, (TestUser User, string AccessToken)>> RegisterPeopleAsync(OrbitApi api)
    {
        var people = new Dictionary<string, (TestUser User, string AccessToken)>();
        foreach (var role in new[] { "owner", "maintainer", "member", "viewer", "none" })
        {
            var user = await api.RegisterAsync(role == "none" ? "Outsider" : char.ToUpperInvariant(role[0]) + role[1..]);
            people[role] = (user, (await user.SignInAsync()).AccessToken);
        }

        return people;
    }
}

/// <summary>A project with one signed-in user per role: owner, maintainer, member, viewer, and "none" (not a member).</summary>
public sealed record ProjectTeam(ProjectBody Project, IReadOnlyDictionary<string, (TestUser User, HttpClient Client)> Members) : IDisposable
{
    public HttpClient ClientFor(string role) => Members[role].Client;

    public TestUser UserFor(string role) => Members[role].User;

    /// <summary>Another project of the same team, every role as in <see cref="Project"/>: for tests that change membership.</summary>
    public async Task<Guid> NewProjectAsync() =>
        (await ProjectScenarios.CreateProjectWithTeamAsync(ClientFor("owner"), role => UserFor(role).Id)).Id;

    /// <summary>The team's clients (the signed-in tokens stay shared).</summary>
    public void Dispose()
    {
        foreach (var (_, client) in Members.Values)
        {
            client.Dispose();
        }
    }
}
