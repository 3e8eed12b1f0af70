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
    private long _last;

    private EventSubscriber(IWorkStore store, long projectId, long afterSequence)
    {
        StartedAfter = afterSequence;
        _reading = Task.Run(() => ReadAsync(store, projectId, afterSequence, _stop.Token));
    }

    public long Received => Interlocked.Read(ref _received);

    /// <summary>The sequence it reads after.</summary>
    public long StartedAfter { get; }

    /// <summary>The sequence of the last event it read.</summary>
    public long Last => Interlocked.Read(ref _last);

    /// <summary>
    /// Waits until it has read up to <paramref name="sequence"/>, <paramref name="count"/> events in all (none missed,
    /// none twice); a minute without reaching them is an error.
    /// </summary>
    public async Task WaitForAsync(long sequence, long count, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (Last < sequence)
        {
            if (TimeProvider.System.GetElapsedTime(started) > TimeSpan.FromMinutes(1) || _reading.IsCompleted)
            {
                throw new TimeoutException(
                    $"a subscriber read up to event {Last} of {sequence} ({Received:#,0} events) in a minute; its reading: {_reading.Exception?.ToString() ?? _reading.Status.ToString()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, cancellationToken);
        }

        if (Received != count)
        {
            throw new InvalidOperationException($"a subscriber read {Received:#,0} events where the store has {count:#,0}");
        }
    }

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
        await foreach (var e in store.WatchEventsAsync(new EventQuery { AfterSequence = afterSequence, ProjectId = projectId }, cancellationToken))
        {
            Interlocked.Increment(ref _received);
            Interlocked.Exchange(ref _last, e.Sequence);
        }
    }
}
