namespace Orbit.Modules.Webhooks;

/// <summary>
/// Wakes this host's dispatcher when a delivery became due here (new deliveries committed, a redelivery), so it
/// need not wait for its next poll. Deliveries created on another host are found by polling.
/// </summary>
internal sealed class WebhookDispatchSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up is enough.
        }
    }

    /// <returns>Whether it was woken (rather than timed out).</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
