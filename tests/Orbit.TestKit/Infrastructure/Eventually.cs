using System.Diagnostics;

namespace Orbit.Tests.Infrastructure;

/// <summary>
/// For effects that cross modules through the outbox: poll until the probe passes or the deadline expires, then
/// fail with what was last seen. Never a fixed sleep.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(15);

    public static async Task<T> Get<T>(Func<Task<T>> probe, Func<T, bool> until, string what, TimeSpan? deadline = null)
    {
        var watch = Stopwatch.StartNew();
        var limit = deadline ?? DefaultDeadline;
        var delay = TimeSpan.FromMilliseconds(20);
        T last;
        while (true)
        {
            last = await probe();
            if (until(last))
            {
                return last;
            }

            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Waited {limit.TotalSeconds:F0} s for {what}; last saw: {last}\nRecent server warnings:\n{ServerErrors.Recent()}");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    public static Task True(Func<Task<bool>> probe, string what, TimeSpan? deadline = null) =>
        Get(probe, ok => ok, what, deadline);
}
