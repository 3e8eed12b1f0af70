namespace Wilson.Storage.Sql;

/// <summary>
/// Wakes everyone waiting for new events. Take <see cref="Next"/> before reading, then await it:
/// a pulse between the read and the wait is never lost.
/// </summary>
internal sealed class EventSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
