using System.Globalization;
using System.Net;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;

namespace Orbit.Tests.Audit;

public sealed class AdminAuditTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task SignInAsync() => _admin = await Api.AdminClientAsync();

    [OneTimeTearDown]
    public void Dispose() => _admin.Dispose();

    [Test]
    public async Task Admins_filter_the_audit_by_actor_action_entity_and_time()
    {
        var started = DateTime.UtcNow.AddSeconds(-1);
        var newcomer = await Api.RegisterAsync("Newcomer");
        using var newcomerClient = await newcomer.ClientAsync();
        var project = await ProjectScenarios.CreateProjectAsync(newcomerClient);
        var task = await TaskApi.CreateAsync(newcomerClient, project.Id);
        using (var patch = await TaskApi.PatchAsync(newcomerClient, task.Key, """{"priority": "high"}"""))
        {
            await Expect.Status(patch, HttpStatusCode.OK);
        }

        // user.registered, project.created, member.added, task.created, task.updated: all by the newcomer.
        var byActor = await AuditApi.WaitForAsync(_admin, $"/api/v1/admin/audit?actorId={newcomer.Id}", 5, limit: 2);
        Assert.That(byActor.Actions, Is.EquivalentTo(new[] { "user.registered", "project.created", "member.added", "task.created", "task.updated" }));
        Assert.That(byActor.Entries.Select(e => e.Id), Is.Ordered.Descending, "newest first");
        var registered = byActor.Entries.Single(e => e.Action == "user.registered");
        Assert.Multiple(() =>
        {
            Assert.That(registered.EntityType, Is.EqualTo("user"));
            Assert.That(registered.EntityId, Is.EqualTo(newcomer.Id));
            Assert.That(registered.ProjectId, Is.Null);
        });

        var byAction = await AuditApi.ListAllAsync(_admin, $"/api/v1/admin/audit?actorId={newcomer.Id}&action=task.updated");
        Assert.That(byAction.Entries, Has.Count.EqualTo(1));
        Assert.That(byAction.Entries[0].Change("priority"), Is.EqualTo(("\"none\"", "\"high\"")));

        var byEntity = await AuditApi.ListAllAsync(_admin, $"/api/v1/admin/audit?entityType=task&entityId={task.Id}");
        Assert.That(byEntity.Actions, Is.EqualTo(new[] { "task.updated", "task.created" }));

        var membership = await AuditApi.ListAllAsync(_admin, $"/api/v1/admin/audit?entityType=member&entityId={newcomer.Id}");
        Assert.That(membership.Entries.Select(e => (e.Action, e.ProjectId)), Is.EqualTo(new[] { ("member.added", (Guid?)project.Id) }));

        var from = Uri.EscapeDataString(started.ToString("O", CultureInfo.InvariantCulture));
        var inWindow = await AuditApi.ListAllAsync(_admin, $"/api/v1/admin/audit?actorId={newcomer.Id}&from={from}");
        var future = Uri.EscapeDataString(DateTime.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture));
        var afterWindow = await AuditApi.ListAllAsync(_admin, $"/api/v1/admin/audit?actorId={newcomer.Id}&from={future}");
        var beforeWindow = await AuditApi.ListAllAsync(_admin, $"/api/v1/admin/audit?actorId={newcomer.Id}&to={from}");
        Assert.Multiple(() =>
        {
            Assert.That(inWindow.Entries, Has.Count.EqualTo(5));
            Assert.That(afterWindow.Entries, Is.Empty);
            Assert.That(beforeWindow.Entries, Is.Empty);
        });
    }

    [Test]
    public async Task Only_admins_read_the_audit()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();

        using var list = await client.GetAsync(new Uri("/api/v1/admin/audit", UriKind.Relative));
        using var verify = await client.GetAsync(new Uri("/api/v1/admin/audit/verify", UriKind.Relative));
        using var anonymous = await Api.CreateClient().GetAsync(new Uri("/api/v1/admin/audit", UriKind.Relative));

        await Expect.Problem(list, HttpStatusCode.Forbidden);
        await Expect.Problem(verify, HttpStatusCode.Forbidden);
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("entityId=0190a000-0000-7000-8000-000000000000", "entityType")]
    [TestCase("entityType=widget", "entityType")]
    [TestCase("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    [TestCase("actorId=not-a-uuid", "actorId")]
    [TestCase("cursor=bm9wZQ", "cursor")]
    [TestCase("limit=500", "limit")]
    public async Task A_bad_filter_names_the_field(string query, string field)
    {
        using var response = await _admin.GetAsync(new Uri($"/api/v1/admin/audit?{query}", UriKind.Relative));

        await Expect.ValidationError(response, field);
    }
}
