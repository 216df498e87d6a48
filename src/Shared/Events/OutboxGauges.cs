using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Orbit.Shared.Messaging;

namespace Orbit.Shared.Events;

/// <summary>
/// Observable gauges fed by the relay's periodic probe: the instruments read the last values, never the database,
/// so a scrape costs nothing and cannot hang.
/// </summary>
internal static class OutboxGauges
{
    // Keyed by (publisher, consumer); consumer "-" counts messages not yet handed to any consumer.
    private static readonly ConcurrentDictionary<(string Publisher, string Consumer), (long Pending, double OldestSeconds, long Dead)> Backlogs = new();
    private static int _databaseReachable = 1;

    static OutboxGauges()
    {
        OrbitTelemetry.Meter.CreateObservableGauge(
            "orbit.outbox.backlog", () => Backlogs.Select(b => new Measurement<long>(b.Value.Pending, new KeyValuePair<string, object?>("orbit.publisher", b.Key.Publisher), new KeyValuePair<string, object?>("orbit.consumer", b.Key.Consumer))),
            unit: "{message}", description: "Messages waiting in a module's outbox, per consumer (\"-\": not yet dispatched).");
        OrbitTelemetry.Meter.CreateObservableGauge(
            "orbit.outbox.oldest_message.age", () => Backlogs.Select(b => new Measurement<double>(b.Value.OldestSeconds, new KeyValuePair<string, object?>("orbit.publisher", b.Key.Publisher), new KeyValuePair<string, object?>("orbit.consumer", b.Key.Consumer))),
            unit: "s", description: "Age of the oldest message still waiting in a module's outbox.");
        OrbitTelemetry.Meter.CreateObservableGauge(
            "orbit.outbox.dead_messages", () => Backlogs.Select(b => new Measurement<long>(b.Value.Dead, new KeyValuePair<string, object?>("orbit.publisher", b.Key.Publisher), new KeyValuePair<string, object?>("orbit.consumer", b.Key.Consumer))),
            unit: "{message}", description: "Messages parked as dead in a module's outbox, waiting for an operator.");
        OrbitTelemetry.Meter.CreateObservableGauge(
            "orbit.database.reachable", () => Volatile.Read(ref _databaseReachable),
            description: "1 when the last outbox probe reached PostgreSQL, else 0.");
    }

    public static void DatabaseReachable(bool reachable) => Volatile.Write(ref _databaseReachable, reachable ? 1 : 0);

    public static void Set(string publisher, string consumer, long pending, double oldestSeconds, long dead) =>
        Backlogs[(publisher, consumer)] = (pending, oldestSeconds, dead);
}
