using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orbit.Shared.Messaging;

/// <summary>The activity source and meter Orbit's own code reports through; the host subscribes to both by name.</summary>
public static class OrbitTelemetry
{
    public const string Name = "Orbit";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    // Seconds-scale buckets (the SDK's defaults are for milliseconds and would put every request in the first one).
    internal static readonly Histogram<double> MediatorRequestDuration = Meter.CreateHistogram(
        "orbit.mediator.request.duration",
        unit: "s",
        description: "Time taken by a mediator request through the whole pipeline.",
        tags: null,
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
        });

    /// <summary><c>Orbit.Modules.Identity</c> → <c>Identity</c>; anything else keeps its assembly name.</summary>
    public static string ModuleOf(Type messageType)
    {
        var assembly = messageType.Assembly.GetName().Name ?? "unknown";
        const string prefix = "Orbit.Modules.";
        return assembly.StartsWith(prefix, StringComparison.Ordinal) ? assembly[prefix.Length..] : assembly;
    }
}
