using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Tasks;

/// <summary>
/// One effect per Idempotency-Key whatever fails (issue 10): a host whose checkpoints around the commit crash, hang up
/// or lose the database on cue, per key, while the rest of the request is the real thing.
/// </summary>
[NonParallelizable]
public sealed class IdempotencyUnderFaultsTests
{
    private static readonly TimeSpan InProgressWait = TimeSpan.FromSeconds(2);

    private readonly FaultingCheckpoints _faults = new();
    private OrbitApi _api = null!;
    private ProjectTeam _team = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _api = new OrbitApi(
            await TestPostgres.CreateDatabaseAsync("idempotency"),
            new Dictionary<string, string?> { ["Idempotency:InProgressWait"] = InProgressWait.ToString() },
            services => services.AddSingleton<IIdempotencyCheckpoints>(_faults));
        await _api.StartAsync();
        _team = await ProjectScenarios.CreateTeamAsync(_api);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _api.DisposeAsync();

    private HttpClient Member => _team.ClientFor("member");

    [Test]
    public async Task A_crash_between_commit_and_response_leaves_one_task_and_the_retry_gets_it()
    {
        var key = NewKey();
        _faults.AfterCommit(key, _ => throw new SimulatedCrash());

        using (var first = await CreateAsync(key, "Crashed after commit"))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError), "the client learns nothing of the commit");
        }

        Assert.That(await CountTasksAsync("Crashed after commit"), Is.EqualTo(1));
        var (retry, replayed) = await CreateTaskAsync(key, "Crashed after commit");
        Assert.That(replayed, Is.True);
        Assert.That(await CountTasksAsync("Crashed after commit"), Is.EqualTo(1));
        Assert.That(retry.Id, Is.EqualTo(await TaskIdAsync("Crashed after commit")));
    }

    [Test]
    public async Task A_client_that_hangs_up_after_the_commit_gets_the_same_task_on_retry()
    {
        var key = NewKey();
        using var hangUp = new CancellationTokenSource();
        _faults.AfterCommit(key, async context =>
        {
            await hangUp.CancelAsync();
            // Let the abort reach the server before the response is written, as a real disconnect would.
            await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None), Task.Delay(Timeout.Infinite, context.RequestAborted));
        });

        Assert.That(async () => await CreateAsync(key, "Hung up after commit", cancellationToken: hangUp.Token), Throws.InstanceOf<OperationCanceledException>());

        var (retry, replayed) = await CreateTaskAsync(key, "Hung up after commit");
        Assert.That(replayed, Is.True, "the commit survived the abort, so the retry replays it");
        Assert.That(await CountTasksAsync("Hung up after commit"), Is.EqualTo(1));
        Assert.That(retry.Id, Is.EqualTo(await TaskIdAsync("Hung up after commit")));
    }

    [Test]
    public async Task Losing_the_database_before_the_commit_leaves_nothing_and_the_retry_creates_once()
    {
        var key = NewKey();
        _faults.BeforeCommit(key, async context =>
        {
            var connection = await context.RequestServices.GetRequiredService<IDbSession>().OpenAsync();
            await TerminateBackendAsync(connection.ProcessID);
        });

        using (var first = await CreateAsync(key, "Database lost"))
        {
            // The exception handler's answer to a lost connection; what matters is that no 201 went out.
            Assert.That((int)first.StatusCode, Is.InRange(500, 503));
        }

        Assert.That(await CountTasksAsync("Database lost"), Is.EqualTo(0));
        Assert.That(await CountKeysAsync(key), Is.EqualTo(0), "no key is left in progress");
        var (created, replayedFirst) = await CreateTaskAsync(key, "Database lost");
        var (again, replayedSecond) = await CreateTaskAsync(key, "Database lost");
        Assert.Multiple(() =>
        {
            Assert.That(replayedFirst, Is.False, "the lost request left nothing to replay");
            Assert.That(replayedSecond, Is.True);
            Assert.That(again.Id, Is.EqualTo(created.Id));
        });
        Assert.That(await CountTasksAsync("Database lost"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_second_request_with_the_key_waits_for_the_first_and_replays_its_task()
    {
        var key = NewKey();
        var commit = HoldCommit(key);

        var first = CreateTaskAsync(key, "Concurrent");
        await commit.HeldAsync();
        var second = CreateTaskAsync(key, "Concurrent");
        await Eventually.True(async () => await CountWaitingOnLocksAsync() > 0, "the second request waits on the first one's key");
        commit.Release();

        var (a, replayedA) = await first;
        var (b, replayedB) = await second;
        Assert.Multiple(() =>
        {
            Assert.That(replayedA, Is.False);
            Assert.That(replayedB, Is.True);
            Assert.That(b.Id, Is.EqualTo(a.Id));
        });
        Assert.That(await CountTasksAsync("Concurrent"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_second_request_with_the_key_is_409_while_the_first_stays_open_longer_than_the_wait_and_replays_after()
    {
        var key = NewKey();
        var commit = HoldCommit(key);

        var first = CreateTaskAsync(key, "Slow first");
        await commit.HeldAsync();
        using (var second = await CreateAsync(key, "Slow first"))
        {
            var problem = await Expect.Problem(second, HttpStatusCode.Conflict);
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("idempotency.in_progress"));
        }

        commit.Release();
        var (a, _) = await first;
        var (b, replayed) = await CreateTaskAsync(key, "Slow first");
        Assert.Multiple(() =>
        {
            Assert.That(replayed, Is.True);
            Assert.That(b.Id, Is.EqualTo(a.Id));
        });
        Assert.That(await CountTasksAsync("Slow first"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_key_whose_request_the_handler_refused_is_free_for_the_corrected_request()
    {
        var key = NewKey();
        using (var refused = await CreateAsync(key, "Refused", parentId: Guid.NewGuid()))
        {
            Assert.That((int)refused.StatusCode, Is.InRange(400, 499));
        }

        Assert.That(await CountKeysAsync(key), Is.EqualTo(0), "the claim rolled back with the refusal");
        var (created, replayed) = await CreateTaskAsync(key, "Refused");
        Assert.That(replayed, Is.False);
        Assert.That(await CountTasksAsync("Refused"), Is.EqualTo(1));
        Assert.That(created.Id, Is.EqualTo(await TaskIdAsync("Refused")));
    }

    [Test]
    public async Task A_crash_before_the_commit_leaves_nothing_and_the_retry_creates_once()
    {
        var key = NewKey();
        _faults.BeforeCommit(key, _ => throw new SimulatedCrash());

        using (var first = await CreateAsync(key, "Crashed before commit"))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        }

        Assert.That(await CountTasksAsync("Crashed before commit"), Is.EqualTo(0));
        var (_, replayed) = await CreateTaskAsync(key, "Crashed before commit");
        Assert.That(replayed, Is.False);
        Assert.That(await CountTasksAsync("Crashed before commit"), Is.EqualTo(1));
    }

    private static string NewKey() => Guid.NewGuid().ToString();

    private async Task<HttpResponseMessage> CreateAsync(string key, string title, Guid? parentId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/projects/{_team.Project.Id}/tasks", UriKind.Relative))
        {
            Content = JsonContent.Create(parentId is null ? new { title } : (object)new { title, parentId }),
        };
        request.Headers.Add(Idempotency.HeaderName, key);
        return await Member.SendAsync(request, cancellationToken);
    }

    private async Task<(TaskBody Task, bool Replayed)> CreateTaskAsync(string key, string title)
    {
        using var response = await CreateAsync(key, title);
        await Expect.Status(response, HttpStatusCode.Created);
        var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Single() == "true";
        return ((await response.Content.ReadFromJsonAsync<TaskBody>())!, replayed);
    }

    private async Task<long> CountTasksAsync(string title) =>
        await ScalarAsync<long>("select count(*) from tasks.tasks where project_id = @p and title = @t", ("p", _team.Project.Id), ("t", title));

    private async Task<Guid> TaskIdAsync(string title) =>
        await ScalarAsync<Guid>("select id from tasks.tasks where project_id = @p and title = @t", ("p", _team.Project.Id), ("t", title));

    private async Task<long> CountKeysAsync(string key) =>
        await ScalarAsync<long>("select count(*) from tasks.idempotency_keys where key = @k", ("k", key));

    private async Task<long> CountWaitingOnLocksAsync() =>
        await ScalarAsync<long>("select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");

    private async Task TerminateBackendAsync(int processId) =>
        await ScalarAsync<bool>("select pg_terminate_backend(@pid)", ("pid", processId));

    private async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private sealed class SimulatedCrash() : Exception("Simulated crash (test fault hook)");

    /// <summary>Runs the fault registered for the request's Idempotency-Key at that checkpoint, once.</summary>
    private sealed class FaultingCheckpoints : IIdempotencyCheckpoints
    {
        private readonly ConcurrentDictionary<string, Func<HttpContext, ValueTask>> _beforeCommit = new();
        private readonly ConcurrentDictionary<string, Func<HttpContext, ValueTask>> _afterCommit = new();

        public void BeforeCommit(string key, Func<HttpContext, Task> fault) => _beforeCommit[key] = context => new ValueTask(fault(context));

        public void AfterCommit(string key, Func<HttpContext, Task> fault) => _afterCommit[key] = context => new ValueTask(fault(context));

        ValueTask IIdempotencyCheckpoints.BeforeCommitAsync(HttpContext context) => Run(_beforeCommit, context);

        ValueTask IIdempotencyCheckpoints.AfterCommitAsync(HttpContext context) => Run(_afterCommit, context);

        private static ValueTask Run(ConcurrentDictionary<string, Func<HttpContext, ValueTask>> faults, HttpContext context) =>
            faults.TryRemove(context.Request.Headers[Idempotency.HeaderName].ToString(), out var fault) ? fault(context) : ValueTask.CompletedTask;
    }

    /// <summary>Holds the commit of the request sent with <paramref name="key"/> until released.</summary>
    private HeldCommit HoldCommit(string key)
    {
        var commit = new HeldCommit();
        _faults.BeforeCommit(key, async _ =>
        {
            commit.Reached.TrySetResult();
            await commit.Released.Task;
        });
        return commit;
    }

    private sealed class HeldCommit
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Until the request has reached its commit and waits there.</summary>
        public Task HeldAsync() => Reached.Task.WaitAsync(TimeSpan.FromSeconds(15));

        public void Release() => Released.SetResult();
    }
}
