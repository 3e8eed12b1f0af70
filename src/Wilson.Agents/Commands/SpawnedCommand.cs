using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Wilson.Agents.Commands;

/// <summary>How a spawned command ended: the outcome, its exit code if it exited, and why it was killed if it was.</summary>
internal sealed record CommandEnd(CommandOutcome Outcome, int? ExitCode, string? Reason);

/// <summary>
/// A command started by <see cref="PosixSpawn"/> and watched by the <see cref="CommandReactor"/>: its
/// output is handed on as it comes; after the silence warning it warns; at the silence limit, the
/// deadline or cancellation its whole group gets TERM, then KILL after <see cref="KillGrace"/>. When it
/// has exited, what it left in its group is killed, the pipe drained (for up to <see cref="DrainWait"/>),
/// the process reaped, and <see cref="Finished"/> completes. Only the reactor thread touches its state.
/// </summary>
internal sealed unsafe partial class SpawnedCommand
{
    public static readonly TimeSpan KillGrace = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan DrainWait = TimeSpan.FromMilliseconds(200);

    private const int Eintr = 4;

    private readonly CommandReactor _reactor;
    private readonly CommandLimits _limits;
    private readonly TimeProvider _time;
    private readonly Action<byte[], int> _onOutput;
    private readonly Action<CommandEvent>? _onEvent;
    private readonly CancellationToken _cancellation;
    private readonly TaskCompletionSource<CommandEnd> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly long _started;
    private long _lastOutput;
    private bool _outputOpen = true;
    private bool _exited;
    private bool _warned;
    private bool _closed;
    private CommandOutcome? _killed;
    private string? _reason;
    private long _killAt = long.MaxValue;
    private long _drainUntil = long.MaxValue;

    private SpawnedCommand(
        CommandReactor reactor, int id, int outputFd, int pidFd, CommandLimits limits, TimeProvider time,
        Action<byte[], int> onOutput, Action<CommandEvent>? onEvent, CancellationToken cancellation)
    {
        _reactor = reactor;
        Id = id;
        OutputFd = outputFd;
        PidFd = pidFd;
        _limits = limits;
        _time = time;
        _onOutput = onOutput;
        _onEvent = onEvent;
        _cancellation = cancellation;
        _started = _lastOutput = time.GetTimestamp();
    }

    /// <summary>The process id, also its session's and process group's id.</summary>
    public int Id { get; }

    public int OutputFd { get; }

    public int PidFd { get; }

    public Task<CommandEnd> Finished => _finished.Task;

    /// <summary>Starts <paramref name="arguments"/> (argv, the program first, looked up on the PATH of <paramref name="environment"/>).</summary>
    public static SpawnedCommand Start(
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string directory,
        CommandLimits limits,
        TimeProvider time,
        Action<byte[], int> onOutput,
        Action<CommandEvent>? onEvent,
        CancellationToken cancellationToken)
    {
        var reactor = CommandReactor.Shared;
        var (pid, outputFd) = PosixSpawn.Start(PosixSpawn.Resolve(arguments[0], environment), arguments, environment, directory);
        var pidFd = pidfd_open(pid, 0);
        if (pidFd < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            ProcessGroup.Kill(pid);
            _ = waitpid(pid, null, 0);
            _ = PosixSpawn.close(outputFd);
            throw new Win32Exception(error, "the command could not be watched: pidfd_open needs Linux 5.3 or later");
        }

        var command = new SpawnedCommand(reactor, pid, outputFd, pidFd, limits, time, onOutput, onEvent, cancellationToken);
        reactor.Add(command);
        return command;
    }

    /// <summary>On the reactor thread: <paramref name="fd"/> (the pipe or the pidfd) is ready.</summary>
    public void OnReady(int fd)
    {
        try
        {
            if (fd == OutputFd)
            {
                ReadOnce();
            }
            else if (fd == PidFd && !_exited)
            {
                _exited = true;
                _reactor.Forget(PidFd);

                // The leader is a zombie until reaped, so its group id cannot be reused while its leftovers are killed.
                ProcessGroup.Kill(Id);
                _drainUntil = Environment.TickCount64 + (long)DrainWait.TotalMilliseconds;
            }

            if (_exited && !_outputOpen)
            {
                Finish();
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    /// <summary>On the reactor thread, at least every tick: the clocks and cancellation. True once finished.</summary>
    public bool CheckClocks(long now)
    {
        if (_finished.Task.IsCompleted)
        {
            return true;
        }

        try
        {
            if (_exited)
            {
                if (now >= _drainUntil)
                {
                    Finish();
                }
            }
            else if (_killed is not null)
            {
                if (now >= _killAt)
                {
                    ProcessGroup.Kill(Id);
                    _killAt = long.MaxValue;
                }
            }
            else
            {
                CheckLimits(now);
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }

        return _finished.Task.IsCompleted;
    }

    private void CheckLimits(long now)
    {
        var silent = _time.GetElapsedTime(_lastOutput);
        if (_cancellation.IsCancellationRequested)
        {
            Kill(now, CommandOutcome.Cancelled, "cancelled");
        }
        else if (_time.GetElapsedTime(_started) >= _limits.Deadline)
        {
            Kill(now, CommandOutcome.KilledDeadline, $"killed: still running after {Describe(_limits.Deadline)}");
        }
        else if (silent >= _limits.SilenceKill)
        {
            Kill(now, CommandOutcome.KilledSilent, $"killed: no output for {Describe(_limits.SilenceKill)}");
        }
        else if (!_warned && silent >= _limits.SilenceWarning)
        {
            _warned = true;
            _onEvent?.Invoke(new CommandEvent(CommandEventKind.Warning,
                $"no output for {Describe(_limits.SilenceWarning)}; killed after {Describe(_limits.SilenceKill)} of silence"));
        }
    }

    private void Kill(long now, CommandOutcome outcome, string reason)
    {
        (_killed, _reason) = (outcome, reason);
        ProcessGroup.Terminate(Id);
        _killAt = now + (long)KillGrace.TotalMilliseconds;
    }

    private void ReadOnce()
    {
        while (true)
        {
            nint read;
            fixed (byte* pointer = _buffer)
            {
                read = ReadFd(OutputFd, pointer, _buffer.Length);
            }

            if (read > 0)
            {
                _lastOutput = _time.GetTimestamp();
                _onOutput(_buffer, (int)read);
                return;
            }

            if (read < 0 && Marshal.GetLastPInvokeError() == Eintr)
            {
                continue;
            }

            _outputOpen = false;
            _reactor.Forget(OutputFd);
            return;
        }
    }

    private void Finish()
    {
        var exitCode = Reap();
        Close();
        _finished.TrySetResult(_killed is null ? new CommandEnd(CommandOutcome.Exited, exitCode, null) : new CommandEnd(_killed.Value, null, _reason));
    }

    private void Fail(Exception ex)
    {
        ProcessGroup.Kill(Id);
        if (!_exited)
        {
            _ = waitpid(Id, null, 0);
        }

        Close();
        _finished.TrySetException(ex);
    }

    private void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _reactor.Forget(OutputFd);
        _reactor.Forget(PidFd);
        _ = PosixSpawn.close(OutputFd);
        _ = PosixSpawn.close(PidFd);
    }

    private int Reap()
    {
        int status;
        while (waitpid(Id, &status, 0) < 0)
        {
            if (Marshal.GetLastPInvokeError() != Eintr)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), $"the command {Id} could not be reaped");
            }
        }

        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    private static string Describe(TimeSpan span) =>
        span.TotalSeconds < 1 ? $"{span.TotalMilliseconds:0} ms" : span.TotalMinutes < 1 ? $"{span.TotalSeconds:0.#} s" : $"{span.TotalMinutes:0.#} min";

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadFd(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, int* status, int options);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pidfd_open(int pid, uint flags);
}
