using System.ComponentModel.DataAnnotations;

namespace Orbit.Shared.Events;

public sealed class OutboxRelayOptions
{
    public const string Section = "Outbox";

    /// <summary>Runs the relay in this host. Switch off only for a host that must not deliver (tools, some tests).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Messages claimed per publisher per round.</summary>
    [Range(1, 1000, ErrorMessage = "Outbox:BatchSize must be between 1 and 1000.")]
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// After a dispatch that found messages, the next one waits until this long after it, so that a steady stream of
    /// writes is handed to the consumers in batches rather than one message per round (each round costs every consumer a
    /// transaction whatever its size). The first message after a quiet spell goes at once; under load a message waits at
    /// most this long more. Zero dispatches on every notification.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10", ErrorMessage = "Outbox:BatchWindow must be between 0 and 10 seconds.")]
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often to look without a notification (retries fall due, a NOTIFY was missed).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ErrorMessage = "Outbox:PollInterval must be between 50 ms and 1 minute.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First retry delay; each further attempt doubles it (with jitter), up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Outbox:RetryBaseDelay must be between 10 ms and 1 hour.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "Outbox:MaxRetryDelay must be between 10 ms and 1 day.")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts before a message is parked as dead.</summary>
    [Range(1, 100, ErrorMessage = "Outbox:MaxAttempts must be between 1 and 100.")]
    public int MaxAttempts { get; set; } = 10;
}
