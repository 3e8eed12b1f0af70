using System.Threading.Channels;
using Wilson.Core.Events;

namespace Wilson.Storage.Sql;

/// <summary>
/// One subscriber of an <see cref="EventFanOut"/>: the batches of events its filter matches, in order, until it falls
/// too far behind (the batches complete without an error), the store fails or closes, or it is disposed.
/// </summary>
internal sealed class EventSubscription : IDisposable
{
    private readonly EventQuery _filter;
    private readonly Channel<IReadOnlyList<WorkEvent>> _batches;
    private readonly Action<EventSubscription> _unsubscribe;

    public EventSubscription(EventQuery filter, int capacity, Action<EventSubscription> unsubscribe)
    {
        _filter = filter;
        _unsubscribe = unsubscribe;

        // One writer (the fan-out), one reader (the watcher); full means dropped, never waited for.
        _batches = Channel.CreateBounded<IReadOnlyList<WorkEvent>>(
            new BoundedChannelOptions(capacity) { SingleWriter = true, SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>The batches, in order. Completes when the subscription overflows, or with the store's failure.</summary>
    public ChannelReader<IReadOnlyList<WorkEvent>> Batches => _batches.Reader;

    /// <summary>Queues what of <paramref name="batch"/> the filter matches; false when the subscriber is full and now dropped.</summary>
    public bool Offer(IReadOnlyList<WorkEvent> batch)
    {
        var matching = Matching(batch);
        if (matching.Count == 0 || _batches.Writer.TryWrite(matching))
        {
            return true;
        }

        // Dropped: what it missed is in the store, read from its last sequence.
        _batches.Writer.TryComplete();
        return false;
    }

    /// <summary>Ends the subscription with <paramref name="error"/>: the watcher rethrows it.</summary>
    public void Fail(Exception error) => _batches.Writer.TryComplete(error);

    public void Dispose()
    {
        _unsubscribe(this);
        _batches.Writer.TryComplete();
    }

    // The whole batch when everything matches (the common case: one project's watchers), so nothing is copied.
    private IReadOnlyList<WorkEvent> Matching(IReadOnlyList<WorkEvent> batch)
    {
        var all = true;
        foreach (var e in batch)
        {
            if (!Matches(e))
            {
                all = false;
                break;
            }
        }

        return all ? batch : batch.Where(Matches).ToList();
    }

    // The same decision the store makes in SQL for a read with this filter.
    private bool Matches(WorkEvent e) => _filter.Matches(e);
}
