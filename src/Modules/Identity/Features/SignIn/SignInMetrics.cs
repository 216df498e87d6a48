using System.Diagnostics.Metrics;
using Orbit.Shared.Messaging;

namespace Orbit.Modules.Identity.Features.SignIn;

internal sealed class SignInMetrics
{
    private readonly Counter<long> _attempts = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.identity.sign_in.attempts", unit: "{attempt}", description: "Sign-in attempts by outcome.");

    private readonly Counter<long> _throttled = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.identity.sign_in.throttled", unit: "{attempt}", description: "Sign-in attempts refused with 429 by the failure throttle, by scope (source: this account from this address; account: many addresses).");

    private readonly Counter<long> _accountThrottles = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.identity.sign_in.account_throttles", unit: "{failure}", description: "Failures that put or kept an account under the account-wide throttle (guessing from many addresses).");

    public void Succeeded() => _attempts.Add(1, new KeyValuePair<string, object?>("outcome", "success"));

    public void Failed() => _attempts.Add(1, new KeyValuePair<string, object?>("outcome", "failure"));

    public void Throttled(ThrottleScope scope) => _throttled.Add(1, new KeyValuePair<string, object?>("scope", scope == ThrottleScope.Account ? "account" : "source"));

    public void AccountThrottleStarted() => _accountThrottles.Add(1);
}
