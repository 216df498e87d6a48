using System.Net;
using System.Net.Http.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Tasks;

public sealed class ListTasksTests
{
    private static OrbitApi Api => TestPostgres.Api;
    private ProjectTeam _team = null!;
    private List<TaskBody> _tasks = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _team = await ProjectScenarios.CreateTeamAsync(Api);
        var owner = _team.ClientFor("owner");
        var viewer = _team.UserFor("viewer").Id;
        string[] priorities = ["none", "low", "medium", "high", "urgent"];
        string[] statuses = ["backlog", "todo", "in_progress", "in_review", "done", "cancelled"];
        _tasks = [];
        for (var i = 0; i < 14; i++)
        {
            _tasks.Add(await TaskApi.CreateAsync(owner, _team.Project.Id, new
            {
                title = i == 3 ? "Migrate the billing database" : $"Task number {i}",
                description = i == 5 ? "Investigate why invoices are late" : null,
                priority = priorities[i % 5],
                status = statuses[i % 6],
                assigneeId = i % 3 == 0 ? viewer : (Guid?)null,
                labels = i % 4 == 0 ? new[] { "Backend" } : Array.Empty<string>(),
                dueDate = i % 2 == 0 ? $"2027-0{1 + (i % 9)}-1{i % 10}" : null,
            }));
        }
    }

    private static readonly string[] Sorts = ["created", "-created", "updated", "-updated", "priority", "-priority", "due", "-due"];

    [TestCaseSource(nameof(Sorts))]
    public async Task Every_sort_walks_every_task_once_in_a_total_order(string sort)
    {
        var listed = await TaskApi.ListAllAsync(_team.ClientFor("viewer"), _team.Project.Id, $"sort={sort}", limit: 4);

        Assert.That(listed.Select(t => t.Id), Is.EquivalentTo(_tasks.Select(t => t.Id)));
        Assert.That(listed.Select(t => t.Id), Is.Unique);
        Assert.That(listed, Is.EqualTo(Expected(sort)).Using<TaskBody>((a, b) => a.Id == b.Id));
    }

    private IEnumerable<TaskBody> Expected(string sort)
    {
        var rank = new Dictionary<string, int> { ["none"] = 0, ["low"] = 1, ["medium"] = 2, ["high"] = 3, ["urgent"] = 4 };
        var byId = Comparer<Guid>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
        return sort switch
        {
            "created" => _tasks.OrderBy(t => t.Id, byId),
            "-created" => _tasks.OrderByDescending(t => t.Id, byId),
            "updated" => _tasks.OrderBy(t => t.UpdatedAt).ThenBy(t => t.Id, byId),
            "-updated" => _tasks.OrderByDescending(t => t.UpdatedAt).ThenByDescending(t => t.Id, byId),
            "priority" => _tasks.OrderBy(t => rank[t.Priority]).ThenBy(t => t.Id, byId),
            "-priority" => _tasks.OrderByDescending(t => rank[t.Priority]).ThenByDescending(t => t.Id, byId),
            "due" => _tasks.OrderBy(t => t.DueDate ?? "9999").ThenBy(t => t.Id, byId),
            "-due" => _tasks.OrderByDescending(t => t.DueDate ?? "0000").ThenByDescending(t => t.Id, byId),
            _ => throw new ArgumentOutOfRangeException(nameof(sort)),
        };
    }

    [Test]
    public async Task No_task_is_skipped_or_repeated_while_others_are_created_between_pages()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var owner = team.ClientFor("owner");
        var before = new List<TaskBody>();
        for (var i = 0; i < 7; i++)
        {
            before.Add(await TaskApi.CreateAsync(owner, team.Project.Id));
        }

        var listed = await TaskApi.ListAllAsync(owner, team.Project.Id, "sort=-created", limit: 2,
            betweenPages: () => TaskApi.CreateAsync(owner, team.Project.Id, new { title = "Inserted meanwhile" }));

        Assert.That(listed.Select(t => t.Id), Is.Unique);
        Assert.That(listed.Select(t => t.Id), Is.SupersetOf(before.Select(t => t.Id)), "every task that existed at the start is seen");
    }

    [Test]
    public async Task Filters_narrow_the_list()
    {
        var client = _team.ClientFor("viewer");
        async Task<List<TaskBody>> ListAsync(string query) => await TaskApi.ListAllAsync(client, _team.Project.Id, query, limit: 100);

        var done = await ListAsync("status=done");
        Assert.That(done.Select(t => t.Status), Is.All.EqualTo("done"));
        Assert.That(done, Has.Count.EqualTo(_tasks.Count(t => t.Status == "done")));
        Assert.That((await ListAsync("status=done,cancelled")).Count, Is.EqualTo(_tasks.Count(t => t.Status is "done" or "cancelled")));
        Assert.That((await ListAsync("priority=urgent")).Count, Is.EqualTo(_tasks.Count(t => t.Priority == "urgent")));
        Assert.That((await ListAsync("label=backend")).Count, Is.EqualTo(_tasks.Count(t => t.Labels.Contains("Backend"))), "labels match without regard to case");
        Assert.That((await ListAsync("assigneeId=none")).Count, Is.EqualTo(_tasks.Count(t => t.AssigneeId is null)));
        Assert.That((await ListAsync($"assigneeId={_team.UserFor("viewer").Id}")).Count, Is.EqualTo(_tasks.Count(t => t.AssigneeId is not null)));
        Assert.That((await ListAsync("dueBefore=2027-03-01")).Count, Is.EqualTo(_tasks.Count(t => t.DueDate is not null && string.CompareOrdinal(t.DueDate, "2027-03-01") < 0)));
        Assert.That((await ListAsync("updatedSince=2000-01-01T00:00:00Z")).Count, Is.EqualTo(_tasks.Count));
        Assert.That((await ListAsync("updatedSince=2999-01-01T00:00:00Z")), Is.Empty);
    }

    [Test]
    public async Task Assignee_me_means_the_caller()
    {
        var mine = await TaskApi.ListAllAsync(_team.ClientFor("viewer"), _team.Project.Id, "assigneeId=me", limit: 100);
        Assert.That(mine.Select(t => t.AssigneeId), Is.All.EqualTo(_team.UserFor("viewer").Id));
        Assert.That(mine, Has.Count.EqualTo(_tasks.Count(t => t.AssigneeId is not null)));
    }

    [Test]
    public async Task Full_text_search_finds_words_in_title_and_description_with_stemming()
    {
        var client = _team.ClientFor("viewer");
        var inTitle = await TaskApi.ListAllAsync(client, _team.Project.Id, "q=migrating%20database", limit: 100);
        var inDescription = await TaskApi.ListAllAsync(client, _team.Project.Id, "q=invoice", limit: 100);
        Assert.That(inTitle.Select(t => t.Title), Is.EqualTo(new[] { "Migrate the billing database" }));
        Assert.That(inDescription.Select(t => t.Key), Is.EqualTo(new[] { _tasks[5].Key }));
    }

    [TestCase("sort=newest", "sort")]
    [TestCase("limit=0", "limit")]
    [TestCase("limit=101", "limit")]
    [TestCase("status=open", "status")]
    [TestCase("priority=p0", "priority")]
    [TestCase("assigneeId=someone", "assigneeId")]
    [TestCase("dueBefore=soon", "dueBefore")]
    [TestCase("cursor=garbage", "cursor")]
    [TestCase("updatedSince=yesterday", "updatedSince")]
    public async Task Bad_list_parameters_are_validation_errors(string query, string field)
    {
        using var response = await _team.ClientFor("viewer").GetAsync(new Uri($"/api/v1/projects/{_team.Project.Id}/tasks?{query}", UriKind.Relative));
        await Expect.ValidationError(response, field);
    }

    [Test]
    public async Task A_cursor_from_one_sort_is_refused_by_another()
    {
        var client = _team.ClientFor("viewer");
        using var first = await client.GetAsync(new Uri($"/api/v1/projects/{_team.Project.Id}/tasks?limit=2&sort=priority", UriKind.Relative));
        var cursor = (await first.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("nextCursor").GetString();
        Assert.That(first.Headers.GetValues("Link").Single(), Does.Contain("rel=\"next\""));

        using var other = await client.GetAsync(new Uri($"/api/v1/projects/{_team.Project.Id}/tasks?limit=2&sort=due&cursor={Uri.EscapeDataString(cursor!)}", UriKind.Relative));

        await Expect.ValidationError(other, "cursor");
    }

    [Test]
    public async Task Deleted_tasks_leave_the_list_and_appear_in_the_trash_until_restored()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        var task = await TaskApi.CreateAsync(maintainer, team.Project.Id);

        using (var delete = await maintainer.DeleteAsync(new Uri($"/api/v1/tasks/{task.Key}", UriKind.Relative)))
        {
            await Expect.Status(delete, HttpStatusCode.NoContent);
        }

        Assert.That(await TaskApi.ListAllAsync(maintainer, team.Project.Id), Is.Empty);
        Assert.That((await TaskApi.ListAllAsync(maintainer, team.Project.Id, "deleted=true")).Select(t => t.Id), Is.EqualTo(new[] { task.Id }));
        using (var gone = await maintainer.GetAsync(new Uri($"/api/v1/tasks/{task.Key}", UriKind.Relative)))
        {
            await Expect.Problem(gone, HttpStatusCode.NotFound);
        }

        using (var restore = await maintainer.PostAsync(new Uri($"/api/v1/tasks/{task.Key}/restore", UriKind.Relative), null))
        {
            await Expect.Status(restore, HttpStatusCode.OK);
        }

        Assert.That((await TaskApi.ListAllAsync(maintainer, team.Project.Id)).Select(t => t.Id), Is.EqualTo(new[] { task.Id }));
        Assert.That(await TaskApi.ListAllAsync(maintainer, team.Project.Id, "deleted=true"), Is.Empty);
    }

    [Test]
    public async Task Deleting_with_a_stale_if_match_is_412_and_keeps_the_task()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var maintainer = team.ClientFor("maintainer");
        var task = await TaskApi.CreateAsync(maintainer, team.Project.Id);
        using (await TaskApi.PatchAsync(maintainer, task.Key, """{"title": "v2"}"""))
        {
        }

        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/tasks/{task.Key}");
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        using var response = await maintainer.SendAsync(request);

        await Expect.Problem(response, HttpStatusCode.PreconditionFailed);
        await TaskApi.GetAsync(maintainer, task.Key);
    }

    [Test]
    public async Task Archiving_the_project_makes_its_tasks_read_only_and_restoring_it_writable_again()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var owner = team.ClientFor("owner");
        var task = await TaskApi.CreateAsync(owner, team.Project.Id);
        using (var archive = await owner.DeleteAsync(new Uri($"/api/v1/projects/{team.Project.Id}", UriKind.Relative)))
        {
            await Expect.Status(archive, HttpStatusCode.NoContent);
        }

        await TaskApi.GetAsync(team.ClientFor("viewer"), task.Key);
        using (var patch = await TaskApi.PatchAsync(owner, task.Key, """{"title": "Nope"}"""))
        {
            await Expect.Problem(patch, HttpStatusCode.Conflict);
        }

        using (var create = await owner.PostAsJsonAsync($"/api/v1/projects/{team.Project.Id}/tasks", new { title = "Nope" }))
        {
            await Expect.Problem(create, HttpStatusCode.Conflict);
        }

        using (var comment = await owner.PostAsJsonAsync($"/api/v1/tasks/{task.Key}/comments", new { body = "Nope" }))
        {
            await Expect.Problem(comment, HttpStatusCode.Conflict);
        }

        using (var restore = await owner.PostAsync(new Uri($"/api/v1/projects/{team.Project.Id}/restore", UriKind.Relative), null))
        {
            await Expect.Status(restore, HttpStatusCode.OK);
        }

        using var again = await TaskApi.PatchAsync(owner, task.Key, """{"title": "Yes"}""");
        await Expect.Status(again, HttpStatusCode.OK);
    }
}
