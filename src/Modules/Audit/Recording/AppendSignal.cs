namespace Orbit.Modules.Audit.Recording;

/// <summary>
/// Wakes this process's change-feed streams when the audit subscriber here has committed a row, so they need not
/// wait for their next poll. Rows appended by other hosts are found by the poll; this only shortens the wait.
/// </summary>
internal sealed class AppendSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/>. Take it before reading, then wait on it if nothing was new.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
