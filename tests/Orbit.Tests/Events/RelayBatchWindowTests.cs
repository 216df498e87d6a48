using Dapper;
using Npgsql;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;

namespace Orbit.Tests.Events;

/// <summary>
/// Outbox:BatchWindow: the first write after a quiet spell reaches the consumers at once; the writes that follow it
/// within the window reach each consumer together, in one transaction. Observed in audit's inbox, whose handled_at is
/// the handling transaction's start (now()), so one value per transaction. A host of its own: the timing is the test.
/// </summary>
public sealed class RelayBatchWindowTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    private string _database = "";
    private OrbitApi _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync("batchwindow");
        _api = new OrbitApi(_database, new Dictionary<string, string?> { ["Outbox:BatchWindow"] = "00:00:02" });
        await _api.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _api.DisposeAsync();

    [Test]
    public async Task The_first_write_after_a_quiet_spell_goes_at_once_and_the_writes_within_the_window_go_in_one_batch()
    {
        var team = await ProjectScenarios.CreateTeamAsync(_api);
        var owner = team.ClientFor("owner");
        // A quiet spell: the team's own events delivered, and a whole window without a dispatch.
        await Eventually.True(async () => await UndeliveredAsync() == 0, "the team's events delivered");
        await Task.Delay(Window + TimeSpan.FromMilliseconds(500));

        var first = await TaskApi.CreateAsync(owner, team.Project.Id, new { title = "First after a quiet spell" });
        var burst = new List<Guid>();
        for (var i = 0; i < 9; i++)
        {
            burst.Add((await TaskApi.CreateAsync(owner, team.Project.Id, new { title = $"Burst {i}" })).Id);
        }

        var handled = await Eventually.Get(
            () => HandledAsync([first.Id, .. burst]),
            rows => rows.Count == 10,
            "all ten task.created messages in audit's inbox");

        var firstRow = handled.Single(r => r.TaskId == first.Id);
        Assert.That(firstRow.HandledAt - firstRow.OccurredAt, Is.LessThan(Window - TimeSpan.FromMilliseconds(500)),
            "the first message after a quiet spell does not wait for the window");
        var burstTransactions = handled.Where(r => r.TaskId != first.Id).Select(r => r.HandledAt).Distinct().Count();
        // One batch when the nine creates fit in the window after the first, as they do unless the machine stalls.
        Assert.That(burstTransactions, Is.LessThanOrEqualTo(2), "the nine writes that followed reached audit in one or two transactions, not nine");
    }

    private async Task<long> UndeliveredAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        return await connection.ExecuteScalarAsync<long>("""
            select (select count(*) from projects.outbox_messages where processed_at is null and dead_at is null)
                 + (select count(*) from tasks.outbox_messages where processed_at is null and dead_at is null)
                 + (select count(*) from identity.outbox_messages where processed_at is null and dead_at is null)
            """);
    }

    private async Task<List<HandledRow>> HandledAsync(Guid[] taskIds)
    {
        await using var connection = new NpgsqlConnection(_database);
        return (await connection.QueryAsync<HandledRow>("""
            select m.aggregate_id as TaskId, m.occurred_at as OccurredAt, i.handled_at as HandledAt
            from tasks.outbox_messages m
            join audit.inbox i on i.message_id = m.id and i.consumer = 'audit'
            where m.type = 'task.created' and m.aggregate_id = any(@taskIds)
            """, new { taskIds })).AsList();
    }

    private sealed record HandledRow(Guid TaskId, DateTime OccurredAt, DateTime HandledAt);
}
