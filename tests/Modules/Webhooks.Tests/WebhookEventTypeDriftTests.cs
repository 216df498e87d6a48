using System.Reflection;
using Orbit.Modules.Identity.Contracts;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Modules.Webhooks;
using Orbit.Shared.Events;

namespace Orbit.Tests.Notifications;

/// <summary>
/// A webhook subscribes to "every project event": whatever Projects and Tasks publish (the IIntegrationEvent types of
/// their Contracts assemblies) must have a typed handler in the webhooks consumer, or that event would silently never
/// reach any webhook and could not even be chosen in a filter.
/// </summary>
public sealed class WebhookEventTypeDriftTests
{
    private static readonly Assembly[] ProjectEventContracts = [typeof(ProjectCreated).Assembly, typeof(TaskCreated).Assembly];

    [Test]
    public void Every_event_type_Projects_and_Tasks_publish_has_a_webhook_handler()
    {
        var published = EventTypesIn(ProjectEventContracts.SelectMany(a => a.GetTypes()));

        Assert.That(published, Has.Count.GreaterThanOrEqualTo(16), "the contracts were found");
        Assert.That(Unmapped(published, WebhookEventTypes.Names), Is.Empty, "project events the webhooks consumer has no handler for");
    }

    [Test]
    public void The_rule_names_an_event_type_Tasks_would_publish_without_a_webhook_handler()
    {
        var published = EventTypesIn(typeof(TaskCreated).Assembly.GetTypes().Append(typeof(TaskArchivedSample)));

        Assert.That(Unmapped(published, WebhookEventTypes.Names), Is.EqualTo(new[] { TaskArchivedSample.EventType }));
    }

    [Test]
    public void The_rule_names_what_an_incomplete_list_leaves_out()
    {
        var published = EventTypesIn(ProjectEventContracts.SelectMany(a => a.GetTypes()));
        var incomplete = WebhookEventTypes.Names.Where(n => n != CommentDeleted.EventType).ToList();

        Assert.That(Unmapped(published, incomplete), Is.EqualTo(new[] { CommentDeleted.EventType }));
    }

    [Test]
    public void Events_about_no_project_are_not_offered_to_webhooks()
    {
        Assert.That(WebhookEventTypes.Names, Has.No.Member(UserRegistered.EventType));
        Assert.That(WebhookEventTypes.IsKnown(UserRegistered.EventType), Is.False);
    }

    private static List<string> EventTypesIn(IEnumerable<Type> types) =>
        types.Where(t => typeof(IIntegrationEvent).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (string)t.GetProperty(nameof(IIntegrationEvent.EventType), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
            .ToList();

    private static List<string> Unmapped(IEnumerable<string> published, IReadOnlyCollection<string> mapped) =>
        published.Where(type => !mapped.Contains(type)).Order(StringComparer.Ordinal).ToList();

    /// <summary>An event Tasks might add one day, declared here to show the rule failing.</summary>
    private sealed record TaskArchivedSample(Guid EventId, DateTimeOffset OccurredAt, Guid ProjectId, Guid TaskId) : IIntegrationEvent
    {
        public Guid AggregateId => TaskId;

        public static string EventType => "task.archived";

        public static int EventVersion => 1;
    }
}
