using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;

namespace Orbit.Tests.Audit;

public sealed record ChainVerificationBody(bool Valid, long CheckedRows, long? FirstBrokenId, long? HeadId, string? HeadHash);

/// <summary>
/// Tampering needs a database of its own: a broken chain in the shared one would fail every other verification.
/// </summary>
public sealed class AuditChainTests
{
    private OrbitApi _api = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _api = new OrbitApi(await TestPostgres.CreateDatabaseAsync("auditchain"));
        await _api.StartAsync();
        _admin = await _api.AdminClientAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
    }

    [Test]
    public async Task A_row_changed_behind_the_triggers_back_breaks_the_chain_there_and_a_removed_row_at_the_next()
    {
        var owner = await _api.RegisterAsync("Chain owner");
        using var client = await owner.ClientAsync();
        var project = await ProjectScenarios.CreateProjectAsync(client);
        var task = await TaskApi.CreateAsync(client, project.Id, new { title = "Chained" });
        using (var patch = await TaskApi.PatchAsync(client, task.Key, """{"priority": "low"}"""))
        {
            await Expect.Status(patch, HttpStatusCode.OK);
        }

        using (var comment = await client.PostAsJsonAsync($"/api/v1/tasks/{task.Key}/comments", new { body = "After" }))
        {
            await Expect.Status(comment, HttpStatusCode.Created);
        }

        var activity = await AuditApi.WaitForAsync(client, $"/api/v1/tasks/{task.Key}/activity", 3);
        var intact = await VerifyAsync();
        await using var connection = new NpgsqlConnection(_api.ConnectionString);
        var rows = await connection.ExecuteScalarAsync<long>("select count(*) from audit.entries where id <= @Last", new { Last = activity.Entries[^1].Id });
        Assert.Multiple(() =>
        {
            Assert.That(intact.Valid, Is.True);
            Assert.That(intact.FirstBrokenId, Is.Null);
            Assert.That(intact.CheckedRows, Is.GreaterThanOrEqualTo(rows));
            Assert.That(intact.HeadHash, Does.Match("^[0-9a-f]{64}$"));
        });

        // Someone with the table owner's rights edits the history: the update's "after" becomes urgent.
        var updated = activity.Entries.Single(e => e.Action == "task.updated").Id;
        var original = await connection.ExecuteScalarAsync<string>("select changes::text from audit.entries where id = @updated", new { updated });
        await BehindTheTriggersBackAsync(connection, "update audit.entries set changes = jsonb_set(changes, '{priority,after}', '\"urgent\"') where id = @updated", new { updated });

        var tampered = await VerifyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(tampered.Valid, Is.False);
            Assert.That(tampered.FirstBrokenId, Is.EqualTo(updated));
        });

        // Put back exactly as it was, the row verifies again: the hash is over content, not over the write.
        await BehindTheTriggersBackAsync(connection, "update audit.entries set changes = cast(@original as jsonb) where id = @updated", new { updated, original });
        Assert.That((await VerifyAsync()).Valid, Is.True);

        // A row removed from the middle breaks the link of the row after it.
        await BehindTheTriggersBackAsync(connection, "delete from audit.entries where id = @updated", new { updated });
        var next = await connection.ExecuteScalarAsync<long>("select min(id) from audit.entries where id > @updated", new { updated });

        var removed = await VerifyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(removed.Valid, Is.False);
            Assert.That(removed.FirstBrokenId, Is.EqualTo(next));
        });
    }

    private async Task<ChainVerificationBody> VerifyAsync()
    {
        using var response = await _admin.GetAsync(new Uri("/api/v1/admin/audit/verify", UriKind.Relative));
        await Expect.Status(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<ChainVerificationBody>())!;
    }

    private static Task BehindTheTriggersBackAsync(NpgsqlConnection connection, string sql, object parameters) =>
        connection.ExecuteAsync($"""
            alter table audit.entries disable trigger entries_append_only;
            {sql};
            alter table audit.entries enable trigger entries_append_only;
            """, parameters);
}

/// <summary>The shared database's trail, which no test tampers with.</summary>
public sealed class AuditTrailTests
{
    [Test]
    public async Task The_shared_audit_trail_verifies()
    {
        var user = await TestPostgres.Api.RegisterAsync();
        using var admin = await TestPostgres.Api.AdminClientAsync();
        await AuditApi.WaitForAsync(admin, $"/api/v1/admin/audit?actorId={user.Id}", 1);

        using var response = await admin.GetAsync(new Uri("/api/v1/admin/audit/verify", UriKind.Relative));

        await Expect.Status(response, HttpStatusCode.OK);
        var verification = (await response.Content.ReadFromJsonAsync<ChainVerificationBody>())!;
        Assert.That(verification.Valid, Is.True, $"first broken row: {verification.FirstBrokenId}");
        Assert.That(verification.CheckedRows, Is.GreaterThan(0));
    }

    [TestCase("update audit.entries set event_type = 'forged'")]
    [TestCase("delete from audit.entries")]
    [TestCase("truncate audit.entries")]
    public async Task Audit_rows_cannot_be_updated_deleted_or_truncated(string sql)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.Api.ConnectionString);

        var refused = Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql));

        Assert.That(refused!.MessageText, Does.Contain("append-only"));
    }
}
