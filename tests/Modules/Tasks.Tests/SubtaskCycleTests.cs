using System.Net;
using Npgsql;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Tasks;

/// <summary>A task's parent chain is checked for cycles however deep it is (issue 11: the check stopped at depth 100).</summary>
public sealed class SubtaskCycleTests
{
    private const int ChainLength = 150;

    private static OrbitApi Api => TestPostgres.Api;

    [Test]
    public async Task Making_the_top_of_a_150_task_chain_a_subtask_of_its_bottom_is_rejected()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var (top, bottom) = await CreateChainAsync(client, team.Project.Id);

        using var response = await TaskApi.PatchAsync(client, top.Key, $$"""{"parentId": "{{bottom}}"}""");

        await Expect.ValidationError(response, "parentId");
        Assert.That((await TaskApi.GetAsync(client, top.Key)).ParentId, Is.Null, "nothing changed");
    }

    [Test]
    public async Task A_task_may_still_become_the_subtask_of_the_bottom_of_a_deep_chain()
    {
        var team = await ProjectScenarios.CreateTeamAsync(Api);
        var client = team.ClientFor("member");
        var (_, bottom) = await CreateChainAsync(client, team.Project.Id);
        var other = await TaskApi.CreateAsync(client, team.Project.Id, new { title = "Elsewhere" });

        using var response = await TaskApi.PatchAsync(client, other.Key, $$"""{"parentId": "{{bottom}}"}""");

        await Expect.Status(response, HttpStatusCode.OK);
        var created = await TaskApi.CreateAsync(client, team.Project.Id, new { title = "Deepest", parentId = other.Id });
        Assert.That(created.ParentId, Is.EqualTo(other.Id));
    }

    /// <summary>
    /// The top task through the API, then <see cref="ChainLength"/> - 1 descendants, each the subtask of the one before,
    /// written straight into the tasks table: creating them one by one through the API would spend seconds on nothing
    /// this test is about.
    /// </summary>
    private static async Task<(TaskBody Top, Guid Bottom)> CreateChainAsync(HttpClient client, Guid projectId)
    {
        var top = await TaskApi.CreateAsync(client, projectId, new { title = "Top" });
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var parent = top.Id;
        for (var number = 1; number < ChainLength; number++)
        {
            var id = Guid.CreateVersion7();
            await using var insert = new NpgsqlCommand("""
                insert into tasks.tasks (id, project_id, number, key, title, status, priority, parent_id, created_by, created_at, updated_by, updated_at)
                select @Id, t.project_id, t.number + @Number, split_part(t.key, '-', 1) || '-' || (t.number + @Number), 'Level ' || @Number,
                       t.status, t.priority, @ParentId, t.created_by, t.created_at, t.updated_by, t.updated_at
                from tasks.tasks t where t.id = @TopId
                """, connection, transaction);
            insert.Parameters.AddWithValue("Id", id);
            insert.Parameters.AddWithValue("Number", number);
            insert.Parameters.AddWithValue("ParentId", parent);
            insert.Parameters.AddWithValue("TopId", top.Id);
            Assert.That(await insert.ExecuteNonQueryAsync(), Is.EqualTo(1));
            parent = id;
        }

        // Later creates through the API take numbers after the chain's.
        await using (var counter = new NpgsqlCommand(
            "update tasks.project_counters set last_number = last_number + @Count where project_id = @ProjectId", connection, transaction))
        {
            counter.Parameters.AddWithValue("Count", ChainLength - 1);
            counter.Parameters.AddWithValue("ProjectId", projectId);
            await counter.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return (top, parent);
    }
}
