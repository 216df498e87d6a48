using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orbit.Shared.Messaging;

/// <summary>The activity source and meter Orbit's own code reports through; the host subscribes to both by name.</summary>
public static class OrbitTelemetry
{
    public const string Name = "Orbit";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    internal static readonly Histogram<double> MediatorRequestDuration = Meter.CreateHistogram<double>(
        "orbit.mediator.request.duration",
        unit: "s",
        description: "Time taken by a mediator request through the whole pipeline.");

    /// <summary><c>Orbit.Modules.Identity</c> → <c>Identity</c>; anything else keeps its assembly name.</summary>
    public static string ModuleOf(Type messageType)
    {
        var assembly = messageType.Assembly.GetName().Name ?? "unknown";
        const string prefix = "Orbit.Modules.";
        return assembly.StartsWith(prefix, StringComparison.Ordinal) ? assembly[prefix.Length..] : assembly;
    }
}
