using Wilson.Core.Events;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Bench;

/// <summary>
/// A subscriber that reads every event of a project as it is appended, as a Wilson host's scheduler
/// or UI would, so the cost of being watched shows in the figures taken while it runs.
/// </summary>
internal sealed class EventSubscriber : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private long _received;

    private EventSubscriber(IWorkStore store, long projectId, long afterSequence)
    {
        _reading = Task.Run(() => ReadAsync(store, projectId, afterSequence, _stop.Token));
    }

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Starts watching the events of <paramref name="projectId"/> appended from now on.</summary>
    public static async Task<EventSubscriber> StartAsync(IWorkStore store, long projectId, CancellationToken cancellationToken)
    {
        var head = await store.AppendEventAsync(new NewEvent(projectId, null, "bench.subscriber", Actor.System), cancellationToken);
        return new EventSubscriber(store, projectId, head.Sequence);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (OperationCanceledException)
        {
            // The way it stops.
        }

        _stop.Dispose();
    }

    private async Task ReadAsync(IWorkStore store, long projectId, long afterSequence, CancellationToken cancellationToken)
    {
        await foreach (var _ in store.WatchEventsAsync(new EventQuery { AfterSequence = afterSequence, ProjectId = projectId }, cancellationToken))
        {
            Interlocked.Increment(ref _received);
        }
    }
}
