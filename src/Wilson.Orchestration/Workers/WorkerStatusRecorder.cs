using Wilson.Core.Storage;
using Wilson.Core.Workers;

namespace Wilson.Orchestration.Workers;

/// <summary>
/// Writes a worker's status to the store as it changes, one write at a time, always the latest: a burst of steps
/// while a write is in flight costs one more write, not one each. The status is a view: a write that fails is
/// written again with the next change or heartbeat, and never stops the run.
/// </summary>
internal sealed class WorkerStatusRecorder(IWorkStore store)
{
    private readonly Lock _lock = new();
    private WorkerStatus? _pending;
    private bool _writing;
    private bool _removed;
    private Task _writes = Task.CompletedTask;

    public void Record(WorkerStatus status)
    {
        lock (_lock)
        {
            if (_removed)
            {
                return;
            }

            _pending = status;
            if (!_writing)
            {
                _writing = true;
                _writes = Task.Run(WriteAsync);
            }
        }
    }

    /// <summary>The run ended: the status goes, and nothing recorded after this is written.</summary>
    public async Task RemoveAsync(string worker)
    {
        Task writes;
        lock (_lock)
        {
            _removed = true;
            _pending = null;
            writes = _writes;
        }

        await writes;
        try
        {
            await store.RemoveWorkerAsync(worker, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The lease sweep removes a row whose worker no longer holds its item.
        }
    }

    private async Task WriteAsync()
    {
        while (true)
        {
            WorkerStatus next;
            lock (_lock)
            {
                if (_pending is null)
                {
                    _writing = false;
                    return;
                }

                next = _pending;
                _pending = null;
            }

            try
            {
                await store.SaveWorkerAsync(next, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A view, not the work: the next step or heartbeat writes it again; the heartbeat's own
                // lease renewal decides whether the run goes on.
            }
        }
    }
}
