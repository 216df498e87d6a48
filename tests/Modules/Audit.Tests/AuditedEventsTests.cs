using System.Reflection;
using System.Text;
using System.Text.Json;
using Orbit.Modules.Audit.Chain;
using Orbit.Modules.Audit.Recording;
using Orbit.Modules.Identity.Contracts;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Shared.Events;

namespace Orbit.Tests.Audit;

/// <summary>Audit's reading of event payloads and its canonical hashing, without a database.</summary>
public sealed class AuditedEventsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly Guid Actor = Guid.CreateVersion7();
    private static readonly Guid Project = Guid.CreateVersion7();
    private static readonly Guid TaskId = Guid.CreateVersion7();
    private static readonly Guid Other = Guid.CreateVersion7();

    private static IEnumerable<TestCaseData> Samples()
    {
        var changes = new Dictionary<string, FieldChange> { ["title"] = FieldChange.Of("Old", "New") };
        yield return Sample(new UserRegistered(Guid.CreateVersion7(), Now, Actor, "a@tests.orbit", "A"), "user", Actor);
        yield return Sample(new ProjectCreated(Guid.CreateVersion7(), Now, Actor, Project, "ABC", "Name", null), "project", Project);
        yield return Sample(new ProjectUpdated(Guid.CreateVersion7(), Now, Actor, Project, changes), "project", Project);
        yield return Sample(new ProjectArchived(Guid.CreateVersion7(), Now, Actor, Project), "project", Project);
        yield return Sample(new ProjectRestored(Guid.CreateVersion7(), Now, Actor, Project), "project", Project);
        yield return Sample(new MemberAdded(Guid.CreateVersion7(), Now, Actor, Project, Other, ProjectRole.Member), "member", Other);
        yield return Sample(new MemberRoleChanged(Guid.CreateVersion7(), Now, Actor, Project, Other, ProjectRole.Viewer, ProjectRole.Owner), "member", Other);
        yield return Sample(new MemberRemoved(Guid.CreateVersion7(), Now, Actor, Project, Other, ProjectRole.Member), "member", Other);
        yield return Sample(new TaskCreated(Guid.CreateVersion7(), Now, Actor, Project, TaskId, "ABC-1", "T", WorkStatus.Todo, WorkPriority.None, null, [], null, null), "task", TaskId);
        yield return Sample(new TaskUpdated(Guid.CreateVersion7(), Now, Actor, Project, TaskId, "ABC-1", changes), "task", TaskId);
        yield return Sample(new TaskAssigned(Guid.CreateVersion7(), Now, Actor, Project, TaskId, "ABC-1", "T", Other, null), "task", TaskId);
        yield return Sample(new TaskStatusChanged(Guid.CreateVersion7(), Now, Actor, Project, TaskId, "ABC-1", WorkStatus.Todo, WorkStatus.Done), "task", TaskId);
        yield return Sample(new TaskDeleted(Guid.CreateVersion7(), Now, Actor, Project, TaskId, "ABC-1"), "task", TaskId);
        yield return Sample(new TaskRestored(Guid.CreateVersion7(), Now, Actor, Project, TaskId, "ABC-1"), "task", TaskId);
        yield return Sample(new CommentAdded(Guid.CreateVersion7(), Now, Actor, Project, TaskId, "ABC-1", "T", Actor, null, Other, "Hi"), "comment", Other);
        yield return Sample(new CommentEdited(Guid.CreateVersion7(), Now, Actor, Project, TaskId, "ABC-1", Other, FieldChange.Of("Hi", "Hello")), "comment", Other);
        yield return Sample(new CommentDeleted(Guid.CreateVersion7(), Now, Actor, Project, TaskId, "ABC-1", Other), "comment", Other);
    }

    [TestCaseSource(nameof(Samples))]
    public void Every_published_event_is_read_for_its_actor_project_and_entity(string type, int version, JsonElement payload, string entityType, Guid entityId)
    {
        var (facts, problem) = AuditedEvents.Read(type, version, payload);

        Assert.That(problem, Is.Null);
        Assert.Multiple(() =>
        {
            Assert.That(facts!.EntityType, Is.EqualTo(entityType));
            Assert.That(facts.EntityId, Is.EqualTo(entityId));
            Assert.That(facts.ActorId, Is.EqualTo(Actor));
            Assert.That(facts.ProjectId, Is.EqualTo(type == "user.registered" ? null : Project));
            Assert.That(facts.TaskId, Is.EqualTo(entityType is "task" or "comment" ? TaskId : null));
            Assert.That(facts.TaskKey, Is.EqualTo(entityType is "task" or "comment" ? "ABC-1" : null));
        });
    }

    [Test]
    public void Field_changes_are_read_as_before_and_after()
    {
        var roleChanged = Read(new MemberRoleChanged(Guid.CreateVersion7(), Now, Actor, Project, Other, ProjectRole.Viewer, ProjectRole.Owner));
        var statusChanged = Read(new TaskStatusChanged(Guid.CreateVersion7(), Now, Actor, Project, TaskId, "ABC-1", WorkStatus.Todo, WorkStatus.InProgress));
        var unassigned = Read(new TaskAssigned(Guid.CreateVersion7(), Now, Actor, Project, TaskId, "ABC-1", "T", null, Other));

        Assert.Multiple(() =>
        {
            Assert.That(roleChanged!.Value.GetRawText(), Is.EqualTo("""{"role":{"before":"viewer","after":"owner"}}"""));
            Assert.That(statusChanged!.Value.GetRawText(), Is.EqualTo("""{"status":{"before":"todo","after":"in_progress"}}"""));
            Assert.That(unassigned!.Value.GetRawText(), Is.EqualTo($$$"""{"assigneeId":{"before":"{{{Other}}}","after":null}}"""));
        });
    }

    [Test]
    public void A_version_or_type_audit_does_not_know_fails_loudly()
    {
        var payload = JsonSerializer.SerializeToElement(new { taskId = TaskId });

        var newer = Assert.Throws<UnsupportedEventVersionException>(() => AuditedEvents.Read("task.created", 2, payload));
        var unknown = Assert.Throws<UnsupportedEventVersionException>(() => AuditedEvents.Read("invoice.paid", 1, payload));

        Assert.That(newer!.Message, Does.Contain("task.created v2").And.Contain("v1"));
        Assert.That(unknown!.Message, Does.Contain("invoice.paid v1"));
    }

    [Test]
    public void A_known_event_missing_a_field_audit_needs_is_reported()
    {
        var (facts, problem) = AuditedEvents.Read("task.created", 1, JsonSerializer.SerializeToElement(new { actorId = Actor, projectId = Project, key = "ABC-1" }));

        Assert.That(facts, Is.Null);
        Assert.That(problem!.Property, Is.EqualTo("taskId"));
    }

    [Test]
    public void The_canonical_text_of_a_value_ignores_whitespace_key_order_escaping_and_number_spelling()
    {
        var compact = JsonDocument.Parse("""{"b":1.50,"a":["x\u00e9\n",true,null],"c":{"z":1e2,"y":-0}}""").RootElement;
        var spaced = JsonDocument.Parse("""{ "c" : { "y" : 0, "z" : 100 }, "a" : [ "xé\n", true, null ], "b" : 1.5 }""").RootElement;

        Assert.That(Canonical(compact), Is.EqualTo(Canonical(spaced)));
        Assert.That(Canonical(compact), Is.EqualTo("""{"a":["xé\n",true,null],"b":1.5,"c":{"y":0,"z":100}}"""));
    }

    [Test]
    public void The_hash_covers_every_column_and_the_previous_hash()
    {
        var payload = JsonDocument.Parse("""{"a":1}""").RootElement;
        var entry = new AuditEntryContent(7, Guid.CreateVersion7(), "task.created", 1, Actor, Project, "task", TaskId, TaskId, "ABC-1",
            null, payload, DateTime.UtcNow, DateTime.UtcNow, "0af7651916cd43dd8448eb211c80319c", AuditEntryHash.Genesis);
        var original = Convert.ToHexString(AuditEntryHash.Compute(entry));

        var variants = new[]
        {
            entry with { Id = 8 },
            entry with { ActorId = null },
            entry with { EventType = "task.deleted" },
            entry with { TaskKey = "ABC-2" },
            entry with { Payload = JsonDocument.Parse("""{"a":2}""").RootElement },
            entry with { Changes = JsonDocument.Parse("""{}""").RootElement },
            entry with { OccurredAt = entry.OccurredAt.AddTicks(10) },
            entry with { TraceId = null },
            entry with { PreviousHash = new byte[32].Select(_ => (byte)1).ToArray() },
        };

        Assert.That(variants.Select(v => Convert.ToHexString(AuditEntryHash.Compute(v))), Has.None.EqualTo(original));
        Assert.That(Convert.ToHexString(AuditEntryHash.Compute(entry with { OccurredAt = entry.OccurredAt })), Is.EqualTo(original));
    }

    private static string Canonical(JsonElement value)
    {
        var text = new StringBuilder();
        CanonicalJson.Append(text, value);
        return text.ToString();
    }

    private static JsonElement? Read<TEvent>(TEvent integrationEvent)
        where TEvent : IIntegrationEvent =>
        AuditedEvents.Read(TEvent.EventType, TEvent.EventVersion, JsonSerializer.SerializeToElement(integrationEvent, IntegrationEventJson.Options)).Facts!.Changes;

    private static TestCaseData Sample<TEvent>(TEvent integrationEvent, string entityType, Guid entityId)
        where TEvent : IIntegrationEvent =>
        new TestCaseData(TEvent.EventType, TEvent.EventVersion, JsonSerializer.SerializeToElement(integrationEvent, IntegrationEventJson.Options), entityType, entityId)
            .SetArgDisplayNames(TEvent.EventType);

    private static object Static(Type type, string property) =>
        type.GetProperty(property, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
}
