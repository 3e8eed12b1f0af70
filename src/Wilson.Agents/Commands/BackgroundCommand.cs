namespace Wilson.Agents.Commands;

/// <summary>
/// A command started in the background: the agent goes on at once, and learns the exit (code and
/// output tail) once, when it asks after the command ended. Cancelling kills its whole tree.
/// </summary>
public sealed class BackgroundCommand : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private int _delivered;
    private CommandResult? _result;

    internal BackgroundCommand(string command, Func<CancellationToken, Task<CommandResult>> run)
    {
        Command = command;
        _stop = new CancellationTokenSource();
        Completion = KeepAsync(run(_stop.Token));
    }

    public string Command { get; }

    /// <summary>Completes when the command has ended.</summary>
    public Task<CommandResult> Completion { get; }

    /// <summary>The result, the first time it is asked for after the command ended; false before, and after.</summary>
    public bool TryTakeExit(out CommandResult? result)
    {
        result = null;
        if (Volatile.Read(ref _result) is not { } ended || Interlocked.Exchange(ref _delivered, 1) == 1)
        {
            return false;
        }

        result = ended;
        return true;
    }

    private async Task<CommandResult> KeepAsync(Task<CommandResult> running)
    {
        var result = await running;
        Volatile.Write(ref _result, result);
        return result;
    }

    /// <summary>Kills the command's tree; <see cref="Completion"/> then ends as Cancelled.</summary>
    public void Cancel() => _stop.Cancel();

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
