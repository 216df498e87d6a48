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
    private static readonly ConcurrentDictionary<string, (long Pending, double OldestSeconds, long Dead)> Backlogs = new();
    private static int _databaseReachable = 1;

    static OutboxGauges()
    {
        OrbitTelemetry.Meter.CreateObservableGauge(
            "orbit.outbox.backlog", () => Backlogs.Select(b => new Measurement<long>(b.Value.Pending, new KeyValuePair<string, object?>("orbit.publisher", b.Key))),
            unit: "{message}", description: "Messages waiting in a module's outbox.");
        OrbitTelemetry.Meter.CreateObservableGauge(
            "orbit.outbox.oldest_message.age", () => Backlogs.Select(b => new Measurement<double>(b.Value.OldestSeconds, new KeyValuePair<string, object?>("orbit.publisher", b.Key))),
            unit: "s", description: "Age of the oldest message still waiting in a module's outbox.");
        OrbitTelemetry.Meter.CreateObservableGauge(
            "orbit.outbox.dead_messages", () => Backlogs.Select(b => new Measurement<long>(b.Value.Dead, new KeyValuePair<string, object?>("orbit.publisher", b.Key))),
            unit: "{message}", description: "Messages parked as dead in a module's outbox, waiting for an operator.");
        OrbitTelemetry.Meter.CreateObservableGauge(
            "orbit.database.reachable", () => Volatile.Read(ref _databaseReachable),
            description: "1 when the last outbox probe reached PostgreSQL, else 0.");
    }

    public static void DatabaseReachable(bool reachable) => Volatile.Write(ref _databaseReachable, reachable ? 1 : 0);

    public static void Set(string publisher, long pending, double oldestSeconds, long dead) => Backlogs[publisher] = (pending, oldestSeconds, dead);
}
