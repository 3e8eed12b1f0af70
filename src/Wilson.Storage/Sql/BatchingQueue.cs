using System.Threading.Channels;

namespace Wilson.Storage.Sql;

/// <summary>
/// Work queued by many callers, run in batches: what queued while a batch ran goes together in the
/// next, up to a bound (group commit). The SQLite writer (one batch at a time) and the PostgreSQL
/// batcher (two in flight) differ only in how they run a batch.
/// </summary>
internal sealed class BatchingQueue<TWork> : IAsyncDisposable
    where TWork : IQueuedWork
{
    private readonly Channel<TWork> _queue;
    private readonly int _maxBatch;
    private readonly Func<List<TWork>, Task> _runBatch;
    private readonly string _owner;
    private readonly Task _loop;

    /// <param name="maxBatch">The most items in one batch, so one batch does not hold every caller of a busy process.</param>
    /// <param name="runBatch">Runs a batch and settles every item of it; it must never throw.</param>
    /// <param name="owner">Named in the error when work arrives after disposal.</param>
    /// <param name="batchesAtOnce">How many batches may run at the same time (each takes the next from the queue).</param>
    public BatchingQueue(int maxBatch, Func<List<TWork>, Task> runBatch, string owner, int batchesAtOnce = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchesAtOnce, 1);
        _maxBatch = maxBatch;
        _runBatch = runBatch;
        _owner = owner;
        _queue = Channel.CreateUnbounded<TWork>(new UnboundedChannelOptions { SingleReader = batchesAtOnce == 1 });
        _loop = Task.WhenAll(Enumerable.Range(0, batchesAtOnce).Select(_ => Task.Run(RunLoopAsync)));
    }

    /// <exception cref="ObjectDisposedException">The queue has stopped.</exception>
    public void Add(TWork work)
    {
        if (!_queue.Writer.TryWrite(work))
        {
            throw new ObjectDisposedException(_owner, "the store is closed");
        }
    }

    /// <summary>Lets the queued work finish, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunLoopAsync()
    {
        var batch = new List<TWork>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var work))
            {
                if (work.TryStart())
                {
                    batch.Add(work);
                }
            }

            if (batch.Count > 0)
            {
                await _runBatch(batch);
                batch.Clear();
            }
        }
    }
}
