using System.Diagnostics;
using System.Text;

namespace Wilson.Agents.Commands;

/// <summary>
/// Runs every command an agent or a verification step asks for, the same way: refused if destructive,
/// only inside the workspace, with stdin closed and secrets out of its environment, in its own session
/// (so its whole tree can be killed: TERM, then KILL), with its output streamed and kept as head and
/// tail, and killed when it goes silent too long, passes its deadline, or the caller cancels.
/// </summary>
/// <param name="workspaceRoot">The worktree: commands run in it or below it, and (sandboxed) can write nowhere else.</param>
/// <param name="policy">The commands refused.</param>
/// <param name="environment">The environment commands get (see <see cref="CommandEnvironment.Scrub"/>).</param>
/// <param name="sandbox">bubblewrap where it works (<see cref="CommandSandbox.Detect"/>); null runs commands unconfined.</param>
/// <param name="time">The clock silence and deadlines are measured on.</param>
/// <param name="pids">Where running commands' process groups are recorded for the sweep after a crash; null records nothing.</param>
public sealed class CommandRunner(
    string workspaceRoot,
    CommandPolicy policy,
    IReadOnlyDictionary<string, string> environment,
    CommandSandbox? sandbox,
    TimeProvider time,
    CommandPidRegistry? pids = null)
{
    private static readonly TimeSpan KillGrace = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly string _root = Path.GetFullPath(workspaceRoot);

    /// <summary>Runs <paramref name="request"/>; <paramref name="onEvent"/> gets its output and warnings as they happen.</summary>
    public async Task<CommandResult> RunAsync(CommandRequest request, Action<CommandEvent>? onEvent, CancellationToken cancellationToken)
    {
        if (policy.WhyRefused(request.Command) is { } why)
        {
            return new CommandResult(CommandOutcome.Refused, null, "", 0, TimeSpan.Zero, $"refused: {why}");
        }

        var directory = Path.GetFullPath(request.WorkingDirectory, _root);
        if (!IsInside(directory))
        {
            return new CommandResult(CommandOutcome.Refused, null, "", 0, TimeSpan.Zero,
                $"refused: {request.WorkingDirectory} is outside the workspace {_root}");
        }

        if (!Directory.Exists(directory))
        {
            return new CommandResult(CommandOutcome.Refused, null, "", 0, TimeSpan.Zero, $"refused: {request.WorkingDirectory} does not exist");
        }

        var limits = request.Limits;
        var capture = new OutputCapture(limits.HeadBytes, limits.TailBytes);
        var started = time.GetTimestamp();
        using var process = Start(request.Command, directory);
        pids?.Record(process.Id);
        var lastOutput = time.GetTimestamp();
        var readers = Task.WhenAll(
            Pump(process.StandardOutput.BaseStream, capture, onEvent, () => lastOutput = time.GetTimestamp()),
            Pump(process.StandardError.BaseStream, capture, onEvent, () => lastOutput = time.GetTimestamp()));

        var outcome = CommandOutcome.Exited;
        string? reason = null;
        var warned = false;
        var exited = process.WaitForExitAsync(CancellationToken.None);
        while (!exited.IsCompleted)
        {
            try
            {
                await exited.WaitAsync(Tick, time, cancellationToken);
                break;
            }
            catch (TimeoutException)
            {
                // Time to look at the clocks.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                (outcome, reason) = (CommandOutcome.Cancelled, "cancelled");
                break;
            }

            var silent = time.GetElapsedTime(lastOutput);
            if (time.GetElapsedTime(started) >= limits.Deadline)
            {
                (outcome, reason) = (CommandOutcome.KilledDeadline, $"killed: still running after {Describe(limits.Deadline)}");
                break;
            }

            if (!warned && silent >= limits.SilenceWarning)
            {
                warned = true;
                onEvent?.Invoke(new CommandEvent(CommandEventKind.Warning,
                    $"no output for {Describe(limits.SilenceWarning)}; killed after {Describe(limits.SilenceKill)} of silence"));
            }

            if (silent >= limits.SilenceKill)
            {
                (outcome, reason) = (CommandOutcome.KilledSilent, $"killed: no output for {Describe(limits.SilenceKill)}");
                break;
            }
        }

        if (outcome != CommandOutcome.Exited)
        {
            await KillTreeAsync(process);
        }

        await exited;
        // The group may still hold the pipes open (a grandchild that ignored TERM is KILLed by now).
        ProcessGroup.Kill(process.Id);
        await readers;
        pids?.Forget(process.Id);
        return new CommandResult(outcome, outcome == CommandOutcome.Exited ? process.ExitCode : null, capture.Text(), capture.TotalBytes,
            time.GetElapsedTime(started), reason);
    }

    /// <summary>Starts <paramref name="request"/> in the background and returns at once; the exit is delivered once.</summary>
    public BackgroundCommand StartInBackground(CommandRequest request, Action<CommandEvent>? onEvent) =>
        new(request.Command, stop => Task.Run(() => RunAsync(request, onEvent, stop), CancellationToken.None));

    private Process Start(string command, string directory)
    {
        // setsid: the shell leads a new session and process group (its pid is the group's id), so one
        // signal reaches everything it starts.
        var info = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in sandbox?.Wrap(_root, directory, command) ?? ["sh", "-c", command])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("the command could not be started");
        // Nothing is ever typed in: a command that reads stdin gets end-of-file at once.
        process.StandardInput.Close();
        return process;
    }

    private static async Task KillTreeAsync(Process process)
    {
        ProcessGroup.Terminate(process.Id);
        try
        {
            await process.WaitForExitAsync().WaitAsync(KillGrace);
        }
        catch (TimeoutException)
        {
            // It ignored TERM.
        }

        ProcessGroup.Kill(process.Id);
    }

    // Reads a pipe on a thread of its own: on Unix a pipe's async read blocks a thread-pool thread anyway,
    // and two per command would starve the pool (and the clock loop above) on a two-core machine.
    private static Task Pump(Stream stream, OutputCapture capture, Action<CommandEvent>? onEvent, Action heard) =>
        Task.Factory.StartNew(() => PumpBlocking(stream, capture, onEvent, heard), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void PumpBlocking(Stream stream, OutputCapture capture, Action<CommandEvent>? onEvent, Action heard)
    {
        var buffer = new byte[16 * 1024];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            heard();
            capture.Append(buffer.AsSpan(0, read));
            if (onEvent is not null)
            {
                var count = decoder.GetChars(buffer, 0, read, chars, 0);
                onEvent(new CommandEvent(CommandEventKind.Output, new string(chars, 0, count)));
            }
        }
    }

    private bool IsInside(string path) =>
        path == _root || path.StartsWith(_root.EndsWith(Path.DirectorySeparatorChar) ? _root : _root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string Describe(TimeSpan span) =>
        span.TotalSeconds < 1 ? $"{span.TotalMilliseconds:0} ms" : span.TotalMinutes < 1 ? $"{span.TotalSeconds:0.#} s" : $"{span.TotalMinutes:0.#} min";
}
