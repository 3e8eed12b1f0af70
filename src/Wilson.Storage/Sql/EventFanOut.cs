using System.Collections.Immutable;
using Wilson.Core.Events;

namespace Wilson.Storage.Sql;

/// <summary>
/// The one reader of new events in a store and process: on every wake-up it reads what was appended once and hands
/// it, in memory, to every subscriber whose filter it matches. Without it every watcher (scheduler, merge queue,
/// console, chat sessions, browsers) read the log itself on every wake-up: one subscriber halved SQLite's
/// claim -> complete throughput. A subscriber that falls <see cref="Capacity"/> batches behind is dropped, never
/// waited for: it reads from its last sequence in the store and subscribes again (<see cref="SqlWorkStore.WatchEventsAsync"/>).
/// </summary>
internal sealed class EventFanOut : IAsyncDisposable
{
    /// <summary>Batches a subscriber may hold unread before it is dropped to read the store itself.</summary>
    public const int Capacity = 256;

    /// <summary>
    /// The least time between two reads that found events. Under load each read then carries the commits of a whole
    /// period instead of one: one read per commit cost a busy store half its throughput. Real time, whatever the store's clock.
    /// </summary>
    public static readonly TimeSpan ReadPeriod = TimeSpan.FromMilliseconds(1);

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
    private ImmutableArray<EventSubscription> _subscribers = [];
    private long _resumeFrom;
    private Task? _reading;

    /// <param name="readAfter">Reads up to a number of events after a sequence, of every project, oldest first.</param>
    /// <param name="lastSequence">The sequence of the last event committed.</param>
    /// <param name="startCrossProcessWakeups">Starts what pulses <paramref name="signal"/> when another process appends (idempotent).</param>
    /// <param name="signal">Pulsed after every commit of this process, and by the cross-process wake-ups.</param>
    /// <param name="safetyInterval">How long to wait before reading anyway, in case a wake-up from another process was lost.</param>
    /// <param name="time">The store's clock.</param>
    public EventFanOut(
        Func<long, int, CancellationToken, Task<IReadOnlyList<WorkEvent>>> readAfter,
        Func<CancellationToken, Task<long>> lastSequence,
        Func<CancellationToken, Task> startCrossProcessWakeups,
        EventSignal signal,
        TimeSpan safetyInterval,
        TimeProvider time)
    {
        _readAfter = readAfter;
        _lastSequence = lastSequence;
        _startCrossProcessWakeups = startCrossProcessWakeups;
        _signal = signal;
        _safetyInterval = safetyInterval;
        _time = time;
    }

    /// <summary>How many subscribers are listening now.</summary>
    public int Subscribers => _subscribers.Length;

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

    private async Task ReadAsync(CancellationToken stopping)
    {
        long after = 0;
        long lastFound = 0;
        try
        {
            while (true)
            {
                var joined = _joined.Next;
                if (_subscribers.IsEmpty)
                {
                    // Idle: reading for nobody would cost every writer a read per commit.
                    await joined.WaitAsync(stopping);
                    continue;
                }

                // Every subscriber there now joined after the reader's resume point was read (see SubscribeAsync).
                after = Math.Max(after, Volatile.Read(ref _resumeFrom));

                if (lastFound != 0 && TimeProvider.System.GetElapsedTime(lastFound) is var since && since < ReadPeriod)
                {
                    await Task.Delay(ReadPeriod - since, TimeProvider.System, stopping);
                }

                // Take the wake-up before reading, so an append between the read and the wait still wakes us.
                var wake = _signal.Next;
                var batch = await _readAfter(after, ReadLimit, stopping);
                if (batch.Count > 0)
                {
                    lastFound = TimeProvider.System.GetTimestamp();
                    Broadcast(batch);
                    after = batch[^1].Sequence;
                }

                if (batch.Count < ReadLimit)
                {
                    await WaitForWakeAsync(wake, stopping);
                }
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

    private async Task WaitForWakeAsync(Task wake, CancellationToken stopping)
    {
        try
        {
            await wake.WaitAsync(_safetyInterval, _time, stopping);
        }
        catch (TimeoutException)
        {
            // The safety read: a wake-up from another process may have been lost.
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
