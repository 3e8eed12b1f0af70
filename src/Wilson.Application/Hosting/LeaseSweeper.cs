using Wilson.Core.Storage;

namespace Wilson.Application.Hosting;

/// <summary>
/// Returns a project's items whose worker died (expired lease) to Ready, or to the dead letter after the last
/// attempt. Lease expiry is a matter of time, not of an event, so this is the one timed loop; the
/// interval is a fraction of the lease so a dead worker's item waits at most a little past its lease.
/// </summary>
public sealed class LeaseSweeper(IWorkStore store, long projectId, int maxAttempts, TimeSpan interval, TimeProvider time)
{
    /// <summary>Sweeps at once, then every <c>interval</c> until cancelled, reporting each sweep that moved something.</summary>
    public async Task RunAsync(Action<SweepResult> onSwept, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            var result = await store.SweepExpiredLeasesAsync(projectId, maxAttempts, cancellationToken);
            if (result.Requeued.Count > 0 || result.DeadLettered.Count > 0)
            {
                onSwept(result);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>A quarter of the lease, between 1 s and 30 s.</summary>
    public static TimeSpan IntervalFor(TimeSpan lease) =>
        TimeSpan.FromTicks(Math.Clamp(lease.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromSeconds(30).Ticks));
}
