using System.Diagnostics.Metrics;
using Orbit.Shared.Messaging;

namespace Orbit.Modules.Identity.Features.SignIn;

internal sealed class SignInMetrics
{
    private readonly Counter<long> _attempts = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.identity.sign_in.attempts", unit: "{attempt}", description: "Sign-in attempts by outcome.");

    private readonly Counter<long> _lockouts = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.identity.sign_in.lockouts", unit: "{lockout}", description: "Accounts locked after repeated failures.");

    public void Succeeded() => _attempts.Add(1, new KeyValuePair<string, object?>("outcome", "success"));

    public void Failed() => _attempts.Add(1, new KeyValuePair<string, object?>("outcome", "failure"));

    public void LockedOut() => _lockouts.Add(1);
}
