using Wilson.Core.Events;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage.Sql;
using Wilson.Testing;

namespace Wilson.Storage.Tests;

/// <summary>Watching the event log: many watchers of one store, a watcher that falls behind, a store that closes.</summary>
public abstract partial class WorkStoreContractTests
{
    [Fact]
    public async Task WatchEventsAsync_ManyWatchersWhileEventsAreAppended_EachGetsEveryEventOnceInOrder()
    {
        const int Events = 60;
        var start = await Store.GetLastSequenceAsync(Ct);
        using var cts = new CancellationTokenSource(Patience);

        // They start beside the appends, so some catch up from the store and some hear the events live.
        var watchers = Enumerable.Range(0, 40)
            .Select(_ => Task.Run(() => TakeAsync(Store, new EventQuery { AfterSequence = start, ProjectId = Project.Id }, Events, cts.Token)))
            .ToList();
        for (var i = 0; i < Events; i++)
        {
            await Store.AppendEventAsync(new NewEvent(Project.Id, null, "test.note", Actor.System), Ct);
        }

        var expected = Enumerable.Range(1, Events).Select(i => start + i).ToList();
        foreach (var received in await Task.WhenAll(watchers))
        {
            Assert.Equal(expected, received.Select(e => e.Sequence));
        }
    }

    [Fact]
    public async Task WatchEventsAsync_FilteredByItem_GetsOnlyThatItemsEvents()
    {
        await AddAsync("first");
        using var cts = new CancellationTokenSource(Patience);
        var watching = TakeAsync(Store, new EventQuery { ProjectId = Project.Id, ItemKey = "T-2" }, 2, cts.Token);

        await AddAsync("second");
        await AddAsync("third");
        await Store.AppendEventAsync(new NewEvent(Project.Id, "T-2", "test.note", Actor.System), Ct);

        var received = await watching;
        Assert.All(received, e => Assert.Equal("T-2", e.ItemKey));
        Assert.Equal([EventTypes.ItemCreated, "test.note"], received.Select(e => e.Type));
    }

    [Fact]
    public async Task WatchEventsAsync_AWatcherThatStopsReading_NeitherStallsTheOthersNorMissesAnEvent()
    {
        // Each event is its own batch (the next is appended only once the reading watcher has the last), so the
        // stopped watcher falls more than the fan-out's capacity behind and is dropped to read the store itself.
        var events = (EventFanOut.Capacity * 2) + 10;
        var start = await Store.GetLastSequenceAsync(Ct);
        using var cts = new CancellationTokenSource(Patience * 3);
        var query = new EventQuery { AfterSequence = start, ProjectId = Project.Id };
        await using var stopped = Store.WatchEventsAsync(query, cts.Token).GetAsyncEnumerator(cts.Token);
        await using var reading = Store.WatchEventsAsync(query, cts.Token).GetAsyncEnumerator(cts.Token);
        var stoppedFirst = stopped.MoveNextAsync().AsTask();
        var readingNext = reading.MoveNextAsync().AsTask();

        for (var i = 1; i <= events; i++)
        {
            var appended = await Store.AppendEventAsync(new NewEvent(Project.Id, null, "test.note", Actor.System), Ct);
            Assert.True(await readingNext);
            Assert.Equal(appended.Sequence, reading.Current.Sequence);
            if (i < events)
            {
                readingNext = reading.MoveNextAsync().AsTask();
            }
        }

        Assert.True(await stoppedFirst);
        var resumed = new List<long> { stopped.Current.Sequence };
        while (resumed.Count < events && await stopped.MoveNextAsync())
        {
            resumed.Add(stopped.Current.Sequence);
        }

        Assert.Equal(Enumerable.Range(1, events).Select(i => start + i), resumed);
    }

    [Fact]
    public async Task WatchEventsAsync_TheStoreClosesWhileWatching_TheWatcherIsToldNotLeftWaiting()
    {
        // Not one of the stores the test closes at its end: this one is closed here.
        var store = await TestStores.OpenAsync(Location, TimeProvider.System, Ct);
        using var cts = new CancellationTokenSource(Patience);
        await using var watch = store.WatchEventsAsync(new EventQuery { AfterSequence = await store.GetLastSequenceAsync(Ct) }, cts.Token)
            .GetAsyncEnumerator(cts.Token);
        var next = watch.MoveNextAsync().AsTask();
        await store.AppendEventAsync(new NewEvent(Project.Id, null, "test.note", Actor.System), Ct);
        Assert.True(await next);
        next = watch.MoveNextAsync().AsTask();

        await store.DisposeAsync();

        var closed = await Assert.ThrowsAsync<ObjectDisposedException>(() => next.WaitAsync(Patience));
        Assert.Contains("the store was closed", closed.Message, StringComparison.Ordinal);
    }

    private static async Task<List<WorkEvent>> TakeAsync(IWorkStore store, EventQuery query, int count, CancellationToken cancellationToken)
    {
        var received = new List<WorkEvent>(count);
        await foreach (var e in store.WatchEventsAsync(query, cancellationToken))
        {
            received.Add(e);
            if (received.Count == count)
            {
                break;
            }
        }

        return received;
    }
}
