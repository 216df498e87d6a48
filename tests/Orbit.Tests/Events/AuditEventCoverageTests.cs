using Orbit.Host.Composition;
using Orbit.Host.OpenApi;
using Orbit.Modules.Audit.Recording;
using Orbit.Shared.Events;

namespace Orbit.Tests.Events;

/// <summary>
/// Audit consumes every event and reads each through its line in <c>AuditedEvents</c>: a module that publishes a
/// contract audit has no line for fails here (host-level: the catalogue is every module's, as the host composes them).
/// </summary>
public sealed class AuditEventCoverageTests
{
    [Test]
    public void Audit_consumes_every_event_and_has_a_line_for_every_contract_the_modules_publish()
    {
        // The catalogue: every event record in the modules' assemblies and the Orbit assemblies they reference.
        var published = IntegrationEventCatalog.Discover(OrbitModules.All).Select(e => e.Type).ToList();

        Assert.That(AuditedEvents.Unmapped(published), Is.Empty, "a new event or version needs its line in AuditedEvents");
        Assert.That(AuditedEvents.Contracts, Is.EquivalentTo(published), "and audit maps nothing that is not published");
        var audit = new AuditSubscriber(null!, null!, null!, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditSubscriber>.Instance);
        Assert.That(audit.WantsEveryEvent && audit.Accepts("anything.new"), Is.True, "audit is handed every event, even one it cannot read (it parks it, loudly)");
    }

    [Test]
    public void A_published_contract_without_a_line_in_audit_is_reported()
    {
        var published = IntegrationEventCatalog.Discover(OrbitModules.All).Select(e => e.Type).Append(typeof(SomethingNewHappened));

        Assert.That(AuditedEvents.Unmapped(published), Is.EqualTo(new[] { typeof(SomethingNewHappened) }));
    }

    /// <summary>An event a module might add tomorrow, which audit has no line for yet.</summary>
    private sealed record SomethingNewHappened(Guid EventId, DateTimeOffset OccurredAt, Guid AggregateId) : IIntegrationEvent
    {
        public static string EventType => "something.new_happened";

        public static int EventVersion => 1;
    }
}
