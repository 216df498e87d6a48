using System.Net;
using Orbit.Tests.Infrastructure;
using static Orbit.Tests.Projects.ProjectHttp;

namespace Orbit.Tests.Projects;

/// <summary>Every change writes its integration event to projects.outbox_messages in its own transaction.</summary>
public sealed class ProjectEventTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private TestUser _owner = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task SignInAsync()
    {
        _owner = await Api.RegisterAsync("Eventful");
        _client = await _owner.ClientAsync();
    }

    [OneTimeTearDown]
    public void Dispose() => _client.Dispose();

    [Test]
    public async Task Creating_a_project_writes_project_created_and_member_added_in_the_same_transaction()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client, name: "Evented");

        var events = await ProjectOutbox.EventsOfAsync(project.Id);

        // Events of one transaction share their occurrence time, so their order among themselves is not defined.
        Assert.That(events.Select(e => e.Type), Is.EquivalentTo(new[] { "project.created", "member.added" }));
        var created = events.Single(e => e.Type == "project.created").Payload;
        var ownerAdded = events.Single(e => e.Type == "member.added").Payload;
        Assert.Multiple(() =>
        {
            Assert.That(created.GetProperty("actorId").GetGuid(), Is.EqualTo(_owner.Id));
            Assert.That(created.GetProperty("key").GetString(), Is.EqualTo(project.Key));
            Assert.That(created.GetProperty("name").GetString(), Is.EqualTo("Evented"));
            Assert.That(ownerAdded.GetProperty("userId").GetGuid(), Is.EqualTo(_owner.Id));
            Assert.That(ownerAdded.GetProperty("role").GetString(), Is.EqualTo("owner"));
        });
        var projectTransaction = await ProjectOutbox.TransactionOfAsync("select xmin::text::bigint from projects.projects where id = @id", project.Id);
        Assert.That(events.Select(e => e.TransactionId), Has.All.EqualTo(projectTransaction));
    }

    [Test]
    public async Task Editing_a_project_writes_project_updated_with_before_and_after_of_each_changed_field()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client, name: "Old name");

        using (var patch = await PatchAsync(_client, project.Id, new { name = "New name", description = (string?)null }))
        {
            await Expect.Status(patch, HttpStatusCode.OK);
        }

        var updated = (await ProjectOutbox.EventsOfAsync(project.Id)).Single(e => e.Type == "project.updated");
        var changes = updated.Payload.GetProperty("changes");
        Assert.Multiple(() =>
        {
            Assert.That(changes.GetProperty("name").GetProperty("before").GetString(), Is.EqualTo("Old name"));
            Assert.That(changes.GetProperty("name").GetProperty("after").GetString(), Is.EqualTo("New name"));
            Assert.That(changes.GetProperty("description").GetProperty("before").GetString(), Is.EqualTo("For tests"));
            Assert.That(changes.GetProperty("description").GetProperty("after").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        });
        var projectTransaction = await ProjectOutbox.TransactionOfAsync("select xmin::text::bigint from projects.projects where id = @id", project.Id);
        Assert.That(updated.TransactionId, Is.EqualTo(projectTransaction));
    }

    [Test]
    public async Task Membership_changes_archive_and_restore_each_write_their_event()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);
        var member = await Api.RegisterAsync();

        await ProjectScenarios.AddMemberAsync(_client, project.Id, member.Id, "viewer");
        await ProjectScenarios.AddMemberAsync(_client, project.Id, member.Id, "maintainer");
        using (var remove = await RemoveMemberAsync(_client, project.Id, member.Id))
        {
            await Expect.Status(remove, HttpStatusCode.NoContent);
        }

        using (var archive = await ArchiveAsync(_client, project.Id))
        {
            await Expect.Status(archive, HttpStatusCode.NoContent);
        }

        using (var restore = await RestoreAsync(_client, project.Id))
        {
            await Expect.Status(restore, HttpStatusCode.OK);
        }

        // The first two (project.created and the owner's member.added) share a transaction; the rest follow in order.
        var events = (await ProjectOutbox.EventsOfAsync(project.Id)).Skip(2).ToList();

        Assert.That(events.Select(e => e.Type), Is.EqualTo(new[]
        {
            "member.added", "member.role_changed", "member.removed", "project.archived", "project.restored",
        }));
        var roleChanged = events[1].Payload;
        Assert.Multiple(() =>
        {
            Assert.That(events[0].Payload.GetProperty("userId").GetGuid(), Is.EqualTo(member.Id));
            Assert.That(events[0].Payload.GetProperty("role").GetString(), Is.EqualTo("viewer"));
            Assert.That(roleChanged.GetProperty("oldRole").GetString(), Is.EqualTo("viewer"));
            Assert.That(roleChanged.GetProperty("newRole").GetString(), Is.EqualTo("maintainer"));
            Assert.That(events[2].Payload.GetProperty("role").GetString(), Is.EqualTo("maintainer"));
            Assert.That(events.Select(e => e.Payload.GetProperty("actorId").GetGuid()), Has.All.EqualTo(_owner.Id));
            Assert.That(events.Select(e => e.TransactionId), Is.Unique, "one transaction per command");
        });
    }

    [Test]
    public async Task Refused_commands_write_no_events()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);
        var before = await ProjectOutbox.EventsOfAsync(project.Id);

        using var lastOwner = await RemoveMemberAsync(_client, project.Id, _owner.Id);
        using var stale = await PatchAsync(_client, project.Id, new { name = "Stale" }, ifMatch: "\"9\"");
        using var invalid = await PatchAsync(_client, project.Id, new { name = "" });

        await Expect.Problem(lastOwner, HttpStatusCode.Conflict);
        await Expect.Problem(stale, HttpStatusCode.PreconditionFailed);
        await Expect.ValidationError(invalid, "name");
        Assert.That(await ProjectOutbox.EventsOfAsync(project.Id), Has.Count.EqualTo(before.Count));
    }

    [Test]
    public async Task A_command_that_fails_after_writing_rolls_back_its_change_and_its_events_together()
    {
        var project = await ProjectScenarios.CreateProjectAsync(_client);
        var victim = await Api.RegisterAsync();
        // A trigger makes writing this one user's member.added event fail, after the membership row was inserted.
        var suffix = Guid.NewGuid().ToString("N")[..12];
        await ProjectOutbox.ExecuteAsync($$"""
            create function projects.test_fail_{{suffix}}() returns trigger language plpgsql as $$
            begin raise exception 'injected failure for a test'; end $$;
            create trigger test_fail_{{suffix}} before insert on projects.outbox_messages
            for each row when (new.payload->>'userId' = '{{victim.Id}}') execute function projects.test_fail_{{suffix}}();
            """);
        try
        {
            using var response = await PutMemberAsync(_client, project.Id, victim.Id, new { role = "member" });

            await Expect.Problem(response, HttpStatusCode.InternalServerError);
        }
        finally
        {
            await ProjectOutbox.ExecuteAsync($"""
                drop trigger test_fail_{suffix} on projects.outbox_messages;
                drop function projects.test_fail_{suffix}();
                """);
        }

        Assert.That((await MembersAsync(_client, project.Id)).Select(m => m.GetProperty("userId").GetGuid()), Does.Not.Contain(victim.Id));
        Assert.That((await ProjectOutbox.EventsOfAsync(project.Id)).Select(e => e.Type), Is.EquivalentTo(new[] { "project.created", "member.added" }));

        // The failure evicted nothing and cached nothing wrong: adding the user now works.
        await ProjectScenarios.AddMemberAsync(_client, project.Id, victim.Id, "member");
        using var victimClient = await victim.ClientAsync();
        using var read = await GetProjectAsync(victimClient, project.Id);
        await Expect.Status(read, HttpStatusCode.OK);
    }
}
