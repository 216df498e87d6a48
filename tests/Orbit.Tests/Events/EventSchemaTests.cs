using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orbit.Host.Composition;
using Orbit.Host.OpenApi;
using Orbit.Modules.Audit.Features.ChangeFeed;
using Orbit.Modules.Audit.Recording;
using Orbit.Modules.Webhooks;
using Orbit.Shared.Events;
using Orbit.Tests.Audit;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Notifications;
using Orbit.Tests.Tasks;

namespace Orbit.Tests.Events;

/// <summary>
/// The event schemas of the OpenAPI document: one per event record, generated from the records, and used by the
/// change feed, the activity lists, webhook deliveries and the webhooks section. Samples of every event, serialised
/// exactly as the outbox, the feed and the webhook sender serialise them, must validate.
/// </summary>
public sealed partial class EventSchemaTests
{
    private static readonly IReadOnlyList<IntegrationEventContract> Events = IntegrationEventCatalog.Discover(OrbitModules.All);

    private static IEnumerable<string> EventTypes => Events.Select(e => e.EventType);

    [Test]
    public async Task Every_event_a_module_publishes_has_a_payload_schema_in_the_discriminated_catalogue()
    {
        var document = await DocumentSchemas.LoadAsync();
        var names = Events.Select(e => e.EventType).ToList();
        var catalogue = document.Schemas.GetProperty(EventSchemas.IntegrationEvent);
        var discriminator = catalogue.GetProperty("discriminator");

        Assert.Multiple(() =>
        {
            // Audit refuses any event it was not written for, so its table is the list of everything published.
            Assert.That(names, Is.EquivalentTo(AuditedEvents.All.Select(e => e.Type)), "the catalogue finds every event audit knows, and no other");
            Assert.That(Events.Select(e => e.EventVersion), Is.EquivalentTo(AuditedEvents.All.Select(e => e.Version)));
            foreach (var contract in Events)
            {
                Assert.That(document.Schemas.TryGetProperty(contract.PayloadSchema, out _), Is.True, $"{contract.EventType} has a payload schema");
                Assert.That(document.Schemas.GetProperty(contract.EventSchema).GetProperty("properties").GetProperty("data").GetProperty("$ref").GetString(),
                    Is.EqualTo($"#/components/schemas/{contract.PayloadSchema}"));
            }

            Assert.That(discriminator.GetProperty("propertyName").GetString(), Is.EqualTo("type"));
            Assert.That(Mapping(discriminator), Is.EqualTo(Events.ToDictionary(e => e.EventType, e => $"#/components/schemas/{e.EventSchema}")));
            Assert.That(catalogue.GetProperty("oneOf").GetArrayLength(), Is.EqualTo(Events.Count));
            Assert.That(document.Schemas.GetProperty(EventSchemas.EventType).GetProperty("enum").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(names));
        });
    }

    [Test]
    public async Task The_change_feed_webhook_deliveries_and_the_webhooks_section_carry_exactly_the_project_events()
    {
        var document = await DocumentSchemas.LoadAsync();
        var projectEvents = Events.Where(e => e.IsProjectEvent).Select(e => e.EventType).ToList();
        var feed = document.Schemas.GetProperty("FeedEvent");

        Assert.Multiple(() =>
        {
            Assert.That(projectEvents, Is.EqualTo(WebhookEventTypes.Names), "what a webhook can subscribe to is what the document lists");
            Assert.That(feed.GetProperty("discriminator").GetProperty("propertyName").GetString(), Is.EqualTo("type"));
            Assert.That(Mapping(feed.GetProperty("discriminator")).Keys, Is.EqualTo(projectEvents));
            Assert.That(document.Document.GetProperty("webhooks").EnumerateObject().Select(w => w.Name), Is.EqualTo(projectEvents));
            Assert.That(document.Schemas.GetProperty("DeliveryResponse").GetProperty("allOf")[1].GetProperty("oneOf").GetArrayLength(), Is.EqualTo(projectEvents.Count));
        });
    }

    [Test]
    public async Task Each_webhook_is_described_with_the_Standard_Webhooks_headers_and_what_the_answer_means()
    {
        var document = await DocumentSchemas.LoadAsync();
        foreach (var webhook in document.Document.GetProperty("webhooks").EnumerateObject())
        {
            var post = webhook.Value.GetProperty("post");
            var headers = post.GetProperty("parameters").EnumerateArray()
                .ToDictionary(p => p.GetProperty("name").GetString()!, p => (In: p.GetProperty("in").GetString(), Required: p.GetProperty("required").GetBoolean()));
            var body = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
            Assert.Multiple(() =>
            {
                foreach (var header in new[] { WebhookSignature.IdHeader, WebhookSignature.TimestampHeader, WebhookSignature.SignatureHeader, WebhookSignature.EventHeader })
                {
                    Assert.That(headers.GetValueOrDefault(header), Is.EqualTo((In: (string?)"header", Required: true)), $"{webhook.Name}: {header}");
                }

                Assert.That(body.GetProperty("allOf").EnumerateArray().Select(s => s.GetProperty("$ref").GetString()),
                    Is.EqualTo(new[] { $"#/components/schemas/{WebhookDocumentation.MessageSchema}", $"#/components/schemas/{Events.Single(e => e.EventType == webhook.Name).EventSchema}" }));
                Assert.That(post.GetProperty("responses").EnumerateObject().Select(r => r.Name), Is.EquivalentTo(new[] { "2XX", "default" }));
            });
        }
    }

    [TestCaseSource(nameof(EventTypes))]
    public async Task A_sample_serialised_as_the_outbox_the_feed_and_the_webhook_sender_do_validates_against_its_schemas(string eventType)
    {
        var document = await DocumentSchemas.LoadAsync();
        var contract = Events.Single(e => e.EventType == eventType);
        var http = TestPostgres.Api.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

        foreach (var filled in new[] { true, false })
        {
            var sample = (IIntegrationEvent)Sample(contract.Type, filled);
            var payload = JsonSerializer.SerializeToElement(sample, contract.Type, IntegrationEventJson.Options);
            var schema = document.Schemas.GetProperty(contract.PayloadSchema);
            Assert.Multiple(() =>
            {
                Assert.That(document.Errors(contract.PayloadSchema, payload), Is.Empty, $"{eventType} payload ({(filled ? "every value set" : "nulls")})");
                Assert.That(payload.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(schema.GetProperty("properties").EnumerateObject().Select(p => p.Name)),
                    "the schema names exactly the properties the serializer writes");
                Assert.That(payload.GetProperty("occurredAt").GetString(), Does.Match(ApiTimestamp().ToString()), "timestamps in the API's one format");
            });

            if (!contract.IsProjectEvent)
            {
                continue;
            }

            var feedEvent = JsonSerializer.SerializeToElement(new FeedEvent("MQ", eventType, sample.OccurredAt.UtcDateTime, payload), http);
            var body = WebhookSender.Envelope(new WebhookMessage(
                sample.EventId, eventType, sample.OccurredAt.UtcDateTime, payload.GetRawText(), new Uri("https://receiver.example/hook"), "whsec_x"));
            var webhookSchema = document.Document.GetProperty("webhooks").GetProperty(eventType).GetProperty("post")
                .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
            var webhook = JsonDocument.Parse(body).RootElement;
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var headers = new Dictionary<string, string>
            {
                [WebhookSignature.IdHeader] = JsonSerializer.Serialize(sample.EventId.ToString()),
                [WebhookSignature.TimestampHeader] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [WebhookSignature.SignatureHeader] = JsonSerializer.Serialize(WebhookSignature.Sign(WebhookSecrets.Generate(), sample.EventId.ToString(), timestamp, body)),
                [WebhookSignature.EventHeader] = JsonSerializer.Serialize(eventType),
            };
            var parameters = document.Document.GetProperty("webhooks").GetProperty(eventType).GetProperty("post").GetProperty("parameters").EnumerateArray()
                .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("schema"));
            Assert.Multiple(() =>
            {
                foreach (var (name, value) in headers)
                {
                    Assert.That(document.Errors(parameters[name], JsonDocument.Parse(value).RootElement), Is.Empty, $"the {name} header as sent");
                }

                Assert.That(document.Errors("FeedEvent", feedEvent), Is.Empty, $"{eventType} as a change feed item");
                Assert.That(document.Errors(webhookSchema, webhook), Is.Empty, $"{eventType} as a webhook body");
                Assert.That(webhook.GetProperty("timestamp").GetString(), Is.EqualTo(webhook.GetProperty("data").GetProperty("occurredAt").GetString()),
                    "the envelope and its data write the same instant the same way");
            });
        }
    }

    [Test]
    public async Task The_schemas_refuse_a_payload_under_another_event_type()
    {
        var document = await DocumentSchemas.LoadAsync();
        var deleted = JsonSerializer.SerializeToElement(Sample(typeof(Modules.Tasks.Contracts.TaskDeleted), filled: true), IntegrationEventJson.Options);
        var mislabelled = JsonDocument.Parse($$"""{"id": "MQ", "type": "task.created", "occurredAt": "2026-11-26T10:04:44.123Z", "data": {{deleted.GetRawText()}}}""").RootElement;
        var unknown = JsonDocument.Parse($$"""{"id": "MQ", "type": "task.exploded", "occurredAt": "2026-11-26T10:04:44.123Z", "data": {{deleted.GetRawText()}}}""").RootElement;

        Assert.That(document.Errors("FeedEvent", mislabelled), Is.Not.Empty);
        Assert.That(document.Errors("FeedEvent", unknown), Is.Not.Empty);
    }

    [Test]
    public async Task What_the_feed_the_activity_lists_webhooks_and_their_deliveries_carry_validates_against_the_document()
    {
        var document = await DocumentSchemas.LoadAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = await ProjectScenarios.CreateTeamAsync(TestPostgres.Api);
        var member = team.ClientFor("member");
        var reader = team.ClientFor("viewer");
        var webhook = await NotificationApi.RegisterWebhookAsync(team.ClientFor("maintainer"), team.Project.Id, receiver.Url, "*");
        var task = await TaskApi.CreateAsync(member, team.Project.Id, new { title = "Typed", labels = new[] { "api" }, dueDate = "2026-12-24" });
        using (var patch = await TaskApi.PatchAsync(member, task.Key, """{"title": "Typed events", "labels": ["api", "events"], "dueDate": null, "status": "in_progress"}"""))
        {
            await Expect.Status(patch, HttpStatusCode.OK);
        }

        await NotificationApi.CommentAsync(member, task.Key, "Looks typed to me");
        var activity = await AuditApi.WaitForAsync(reader, $"/api/v1/tasks/{task.Key}/activity",
            log => log.Actions.Contains("comment.added") && log.Actions.Contains("task.status_changed"), "the task's activity");

        await Eventually.Get(() => Task.FromResult(receiver.Received), r => r.Any(w => w.Event == "comment.added"), "the comment's webhook");
        // Deliveries are sent concurrently, so the comment's may arrive before an earlier event's: compare with what has
        // arrived by each look, not with a snapshot taken when the comment's came.
        await Eventually.Get(() => NotificationApi.DeliveriesAsync(team.ClientFor("maintainer"), webhook.Id),
            d => d.Count == receiver.Received.Count && d.All(x => x.Status == "succeeded"), "every delivery recorded");
        var received = receiver.Received;
        using var deliveriesResponse = await team.ClientFor("maintainer").GetAsync(new Uri($"/api/v1/webhooks/{webhook.Id}/deliveries?limit=100", UriKind.Relative));
        var deliveries = JsonDocument.Parse(await deliveriesResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("items");
        using var activityResponse = await reader.GetAsync(new Uri($"/api/v1/tasks/{task.Key}/activity?limit=100", UriKind.Relative));
        using var feedResponse = await reader.GetAsync(new Uri($"/api/v1/projects/{team.Project.Id}/events?limit=100", UriKind.Relative));
        var activityPage = JsonDocument.Parse(await activityResponse.Content.ReadAsStringAsync()).RootElement;
        var feedPage = JsonDocument.Parse(await feedResponse.Content.ReadAsStringAsync()).RootElement;

        Assert.Multiple(() =>
        {
            foreach (var item in activityPage.GetProperty("items").EnumerateArray())
            {
                Assert.That(document.Errors("AuditEntryResponse", item), Is.Empty, item.GetRawText());
            }

            Assert.That(received.Select(w => w.Event), Is.SupersetOf(new[] { "task.created", "task.updated", "task.status_changed", "comment.added" }));
            foreach (var request in received)
            {
                var schema = document.Document.GetProperty("webhooks").GetProperty(request.Event!).GetProperty("post")
                    .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
                Assert.That(document.Errors(schema, JsonDocument.Parse(request.Body).RootElement), Is.Empty, request.Body);
            }

            Assert.That(deliveries.GetArrayLength(), Is.EqualTo(received.Count));
            foreach (var item in deliveries.EnumerateArray())
            {
                Assert.That(document.Errors("DeliveryResponse", item), Is.Empty, item.GetRawText());
            }

            foreach (var item in feedPage.GetProperty("items").EnumerateArray())
            {
                Assert.That(document.Errors("FeedEvent", item), Is.Empty, item.GetRawText());
                Assert.That(item.GetProperty("data").GetProperty("occurredAt").GetString(), Does.Match(ApiTimestamp().ToString()));
            }
        });
        var labels = activity.Entries.Single(e => e.Action == "task.updated").Change("labels");
        Assert.That(labels, Is.EqualTo(("[\"api\"]", "[\"api\",\"events\"]")));
    }

    [Test]
    public void Payloads_stored_before_timestamps_had_one_format_still_read_and_go_out_in_the_new_one()
    {
        const string stored = """{"eventId":"0193c0de-0000-7000-8000-000000000001","occurredAt":"2026-11-26T10:04:44.1234567+00:00","actorId":"0193c0de-0000-7000-8000-000000000002","projectId":"0193c0de-0000-7000-8000-000000000003","taskId":"0193c0de-0000-7000-8000-000000000004","key":"ABC-1","aggregateId":"0193c0de-0000-7000-8000-000000000004"}""";
        var read = JsonSerializer.Deserialize<Modules.Tasks.Contracts.TaskDeleted>(stored, IntegrationEventJson.Options)!;
        var normalized = IntegrationEventJson.Normalize(stored);
        var current = JsonSerializer.Serialize(read, IntegrationEventJson.Options);

        Assert.Multiple(() =>
        {
            Assert.That(read.OccurredAt, Is.EqualTo(new DateTimeOffset(2026, 11, 26, 10, 4, 44, TimeSpan.Zero).AddTicks(1234567)));
            Assert.That(JsonDocument.Parse(normalized).RootElement.GetProperty("occurredAt").GetString(), Is.EqualTo("2026-11-26T10:04:44.123Z"));
            Assert.That(normalized.Replace("2026-11-26T10:04:44.123Z", "2026-11-26T10:04:44.1234567+00:00", StringComparison.Ordinal), Is.EqualTo(stored),
                "nothing else of the payload changes");
            Assert.That(IntegrationEventJson.Normalize(current), Is.SameAs(current), "a payload already in the format goes out as stored");
            Assert.That(JsonDocument.Parse(current).RootElement.GetProperty("occurredAt").GetString(), Is.EqualTo("2026-11-26T10:04:44.123Z"));
        });
    }

    private static Dictionary<string, string> Mapping(JsonElement discriminator) =>
        discriminator.GetProperty("mapping").EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetString()!);

    /// <summary>
    /// An instance of an event record with a value for every constructor parameter: all set, or nullables null.
    /// A parameter type without a sample here fails the test, as it fails the document.
    /// </summary>
    private static object Sample(Type type, bool filled)
    {
        var nullability = new NullabilityInfoContext();
        var constructor = type.GetConstructors().Single(c => c.GetParameters().Length > 0);
        var values = constructor.GetParameters().Select(parameter =>
        {
            var nullable = Nullable.GetUnderlyingType(parameter.ParameterType) is not null
                || nullability.Create(parameter).WriteState == NullabilityState.Nullable;
            if (nullable && !filled)
            {
                return null;
            }

            var target = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            return target switch
            {
                _ when target == typeof(Guid) => Guid.CreateVersion7(),
                _ when target == typeof(string) => $"Sample {parameter.Name} é \"quoted\"\nline",
                // 7 digits and an offset: what goes out is UTC with milliseconds whatever comes in.
                _ when target == typeof(DateTimeOffset) => new DateTimeOffset(2026, 11, 26, 11, 4, 44, TimeSpan.FromHours(1)).AddTicks(1234567),
                _ when target == typeof(DateOnly) => new DateOnly(2026, 12, 24),
                _ when target.IsEnum => Enum.GetValues(target).GetValue(Enum.GetValues(target).Length - 1),
                _ when target == typeof(IReadOnlyList<string>) => filled ? new List<string> { "api", "events" } : new List<string>(),
                _ when target == typeof(FieldChange) => FieldChange.Of("Before", "After"),
                _ when target == typeof(IReadOnlyDictionary<string, FieldChange>) => new Dictionary<string, FieldChange>
                {
                    ["title"] = FieldChange.Of("Before", "After"),
                    ["labels"] = FieldChange.Of<string[]>(["api"], ["api", "events"]),
                    ["assigneeId"] = FieldChange.Of<Guid?>(null, Guid.CreateVersion7()),
                    ["dueDate"] = FieldChange.Of<DateOnly?>(new DateOnly(2026, 12, 24), null),
                },
                _ => throw new AssertionException($"{type.Name}({parameter.Name}) is a {target.Name}: give it a sample here and a schema in EventSchemas."),
            };
        }).ToArray();
        return constructor.Invoke(values);
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")]
    private static partial Regex ApiTimestamp();
}
