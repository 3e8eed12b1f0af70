using System.Threading.Channels;

namespace Wilson.Orchestration.Scheduling;

/// <summary>
/// A wake-up that is never lost and never piles up: any number of <see cref="Wake"/> calls before the
/// next wait count as one. The waiter gives up after a while on a clock (the safety pass).
/// </summary>
internal sealed class WakeSignal
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>True when woken; false when <paramref name="wait"/> passed on <paramref name="time"/> first. Cancellation throws.</summary>
    public async Task<bool> WaitAsync(TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        using var interval = new CancellationTokenSource(wait, time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interval.Token);
        try
        {
            return await _wake.Reader.ReadAsync(waiting.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Awaits a background task that ends by cancellation when its owner stops.</summary>
    public static async Task EndedAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // Stopped with its owner.
        }
    }
}
