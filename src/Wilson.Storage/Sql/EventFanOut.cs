using System.Collections.Immutable;
using Wilson.Core.Events;

namespace Wilson.Storage.Sql;

/// <summary>
/// The one reader of new events in a store and process: each new event is read once, or not at all when this process
/// committed it and the store hands it over (<see cref="Publish"/>), and given in memory to every subscriber whose
/// filter it matches. Without it every watcher (scheduler, merge queue, console, chat sessions, browsers) read the log
/// itself on every wake-up, and one subscriber halved SQLite's claim -> complete throughput. A subscriber that falls
/// <see cref="Capacity"/> batches behind is dropped, never waited for: it reads from its last sequence in the store and
/// subscribes again (<see cref="SqlWorkStore.WatchEventsAsync"/>).
/// </summary>
internal sealed class EventFanOut : IAsyncDisposable
{
    /// <summary>Batches a subscriber may hold unread before it is dropped to read the store itself.</summary>
    public const int Capacity = 256;

    /// <summary>
    /// The least time between two reads of the store. Under load each read then carries the commits of a whole period
    /// instead of one: one read per commit cost a busy store half its throughput. Events this process committed and
    /// handed over go at once (pacing them too cost a burst its latency and gained nothing measurable). Real time,
    /// whatever the store's clock.
    /// </summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(1);

    private const int ReadLimit = 1000;

    private readonly Func<long, int, CancellationToken, Task<IReadOnlyList<WorkEvent>>> _readAfter;
    private readonly Func<CancellationToken, Task<long>> _lastSequence;
    private readonly Func<CancellationToken, Task> _startCrossProcessWakeups;
    private readonly EventSignal _signal;
    private readonly TimeSpan _safetyInterval;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _joining = new(1, 1);
    private readonly EventSignal _joined = new();
    private readonly EventSignal _published = new();
    private readonly Lock _pendingLock = new();
    private readonly bool _storePublishes;
    private List<WorkEvent> _pending = [];
    private ImmutableArray<EventSubscription> _subscribers = [];
    private long _resumeFrom;
    private Task? _reading;

    /// <param name="readAfter">Reads up to a number of events after a sequence, of every project, oldest first.</param>
    /// <param name="lastSequence">The sequence of the last event committed.</param>
    /// <param name="startCrossProcessWakeups">Starts what pulses <paramref name="signal"/> when another process appends (idempotent).</param>
    /// <param name="signal">Pulsed after every commit of this process, and by the cross-process wake-ups.</param>
    /// <param name="safetyInterval">How long to wait before reading anyway, in case a wake-up from another process was lost.</param>
    /// <param name="time">The store's clock.</param>
    /// <param name="storePublishes">
    /// True when the store hands over every event this process commits (<see cref="Publish"/>): then <paramref name="signal"/>
    /// means only that another process may have written, and the last sequence is checked before anything is read.
    /// </param>
    public EventFanOut(
        Func<long, int, CancellationToken, Task<IReadOnlyList<WorkEvent>>> readAfter,
        Func<CancellationToken, Task<long>> lastSequence,
        Func<CancellationToken, Task> startCrossProcessWakeups,
        EventSignal signal,
        TimeSpan safetyInterval,
        TimeProvider time,
        bool storePublishes = false)
    {
        _storePublishes = storePublishes;
        _readAfter = readAfter;
        _lastSequence = lastSequence;
        _startCrossProcessWakeups = startCrossProcessWakeups;
        _signal = signal;
        _safetyInterval = safetyInterval;
        _time = time;
    }

    /// <summary>
    /// Adds a subscriber that receives, from now on, every event of a batch read after this call returns that
    /// <paramref name="filter"/> matches. Events committed before it returned are the caller's to read from the store.
    /// </summary>
    public async Task<EventSubscription> SubscribeAsync(EventQuery filter, CancellationToken cancellationToken)
    {
        await _joining.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            if (_subscribers.IsEmpty)
            {
                // Nobody listened, so the reader let the log go by: it goes on from what is committed now, and
                // this subscriber's catch-up read (after this returns) covers everything before.
                await _startCrossProcessWakeups(cancellationToken);
                Volatile.Write(ref _resumeFrom, await _lastSequence(cancellationToken));
            }

            var subscription = new EventSubscription(filter, Capacity, Unsubscribe);
            ImmutableInterlocked.Update(ref _subscribers, (list, added) => list.Add(added), subscription);
            _reading ??= Task.Run(() => ReadAsync(_stopping.Token), CancellationToken.None);
            _joined.Pulse();
            return subscription;
        }
        finally
        {
            _joining.Release();
        }
    }

    private void Unsubscribe(EventSubscription subscription) =>
        ImmutableInterlocked.Update(ref _subscribers, (list, removed) => list.Remove(removed), subscription);

    /// <summary>Events this process has just committed, in sequence order: given to the subscribers without a read.</summary>
    public void Publish(IReadOnlyList<WorkEvent> committed)
    {
        if (_subscribers.IsEmpty)
        {
            // Nobody listens: a subscriber that joins reads the store from where it is.
            return;
        }

        lock (_pendingLock)
        {
            _pending.AddRange(committed);
        }

        _published.Pulse();
    }

    private async Task ReadAsync(CancellationToken stopping)
    {
        long after = 0;
        long lastRead = 0;
        var mustRead = true;
        try
        {
            while (true)
            {
                var joined = _joined.Next;
                if (_subscribers.IsEmpty)
                {
                    // Idle: reading for nobody would cost every writer a read per commit.
                    TakePending();
                    mustRead = true;
                    await joined.WaitAsync(stopping);
                    continue;
                }

                // Every subscriber there now joined after the reader's resume point was read (see SubscribeAsync).
                after = Math.Max(after, Volatile.Read(ref _resumeFrom));

                // Take the wake-ups before looking, so what comes while we look still wakes us.
                var published = _published.Next;
                var signalled = _signal.Next;
                if (TakePending() is { Count: > 0 } handed)
                {
                    var fresh = handed.FindAll(e => e.Sequence > after);
                    if (fresh.Count > 0 && IsRun(fresh, after))
                    {
                        Broadcast(fresh);
                        after = fresh[^1].Sequence;
                    }
                    else if (fresh.Count > 0)
                    {
                        // A gap: another process wrote in between. The store has it all, in order.
                        mustRead = true;
                    }
                }

                if (mustRead)
                {
                    await PaceAsync(lastRead, stopping);
                    lastRead = TimeProvider.System.GetTimestamp();
                    var batch = await _readAfter(after, ReadLimit, stopping);
                    if (batch.Count > 0)
                    {
                        Broadcast(batch);
                        after = batch[^1].Sequence;
                    }

                    mustRead = batch.Count == ReadLimit;
                    if (mustRead)
                    {
                        continue;
                    }
                }

                mustRead = await WaitAsync(published, signalled, after, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The store is closing.
        }
        catch (Exception ex)
        {
            await FailAsync(ex);
        }
    }

    // Waits for this process's next commit, another process's, or the safety interval; true when the store must be read.
    private async Task<bool> WaitAsync(Task published, Task signalled, long after, CancellationToken stopping)
    {
        try
        {
            var woken = await Task.WhenAny(published, signalled).WaitAsync(_safetyInterval, _time, stopping);
            if (woken == published)
            {
                return false;
            }
        }
        catch (TimeoutException)
        {
            // The safety look: a wake-up from another process may have been lost.
        }

        // The signal also reports this process's own commits (the file watcher sees the writer): read only when the
        // store is ahead of what was handed over.
        return !_storePublishes || await _lastSequence(stopping) > after;
    }

    private static async Task PaceAsync(long last, CancellationToken stopping)
    {
        if (last != 0 && TimeProvider.System.GetElapsedTime(last) is var since && since < Period)
        {
            await Task.Delay(Period - since, TimeProvider.System, stopping);
        }
    }

    private List<WorkEvent> TakePending()
    {
        lock (_pendingLock)
        {
            if (_pending.Count == 0)
            {
                return _pending;
            }

            var taken = _pending;
            _pending = [];
            return taken;
        }
    }

    // True when the events follow `after` with no sequence missing.
    private static bool IsRun(List<WorkEvent> events, long after)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Sequence != after + 1 + i)
            {
                return false;
            }
        }

        return true;
    }

    // The database failed under the reader: every subscriber hears it (as its own read would have failed), none
    // waits for ever, and the next subscriber starts a new reader.
    private async Task FailAsync(Exception error)
    {
        await _joining.WaitAsync(CancellationToken.None);
        try
        {
            foreach (var subscriber in ImmutableInterlocked.InterlockedExchange(ref _subscribers, []))
            {
                subscriber.Fail(error);
            }

            _reading = null;
        }
        finally
        {
            _joining.Release();
        }
    }

    private void Broadcast(IReadOnlyList<WorkEvent> batch)
    {
        foreach (var subscriber in _subscribers)
        {
            if (!subscriber.Offer(batch))
            {
                Unsubscribe(subscriber);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? reading;
        await _joining.WaitAsync();
        try
        {
            await _stopping.CancelAsync();
            reading = _reading;
        }
        finally
        {
            _joining.Release();
        }

        if (reading is not null)
        {
            await reading;
        }

        foreach (var subscriber in ImmutableInterlocked.InterlockedExchange(ref _subscribers, []))
        {
            subscriber.Fail(new ObjectDisposedException("work store", "the store was closed while its events were being watched"));
        }

        _stopping.Dispose();
        _joining.Dispose();
    }
}
