using System.ComponentModel.DataAnnotations;

namespace Orbit.Shared.Http;

public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>
    /// How long a request waits for another one with the same Idempotency-Key whose transaction is still open, before
    /// it answers 409 <c>idempotency.in_progress</c>. Creates take milliseconds, so the wait usually ends in a replay;
    /// it is bounded so a stuck first request costs the retry seconds, not a connection for ever.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00", ErrorMessage = "Idempotency:InProgressWait must be between 1 ms and 1 minute.")]
    public TimeSpan InProgressWait { get; set; } = TimeSpan.FromSeconds(5);
}
