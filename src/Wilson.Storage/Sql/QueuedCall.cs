namespace Wilson.Storage.Sql;

/// <summary>
/// The caller's side of work handed to a <see cref="BatchingQueue{TWork}"/>: the task it awaits, which
/// completes only once the work has committed, and cancellation that stops the work only while it is
/// still queued (once started, it runs to its end with the others of its batch).
/// </summary>
internal sealed class QueuedCall<T>
{
    private const int Queued = 0;
    private const int Started = 1;
    private const int Cancelled = 2;

    private readonly CancellationToken _cancellationToken;
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _cancellation;
    private int _state = Queued;

    public QueuedCall(CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        _cancellation = cancellationToken.Register(() =>
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                _done.TrySetCanceled(cancellationToken);
            }
        });
    }

    public Task<T> Task => _done.Task;

    /// <summary>False if the caller cancelled while the work was queued: it must not run.</summary>
    public bool TryStart()
    {
        if (Interlocked.CompareExchange(ref _state, Started, Queued) != Queued)
        {
            return false;
        }

        _cancellation.Dispose();
        return true;
    }

    /// <summary>Hands the caller the result of the committed work.</summary>
    public void Succeed(T result) => _done.TrySetResult(result);

    public void Fail(Exception exception)
    {
        if (exception is OperationCanceledException && _cancellationToken.IsCancellationRequested)
        {
            _done.TrySetCanceled(_cancellationToken);
        }
        else
        {
            _done.TrySetException(exception);
        }
    }
}
