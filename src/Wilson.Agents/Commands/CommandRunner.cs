using System.Text;

namespace Wilson.Agents.Commands;

/// <summary>
/// Runs every command an agent or a verification step asks for, the same way: refused if destructive,
/// only inside the workspace, with stdin closed and secrets out of its environment, in its own session
/// (so its whole tree can be killed: TERM, then KILL; see <see cref="PosixSpawn"/>), with its output
/// (stdout and stderr on one pipe, in the order written) streamed and kept as head and tail, and killed
/// when it goes silent too long, passes its deadline, or the caller cancels.
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
    private readonly string _root = Path.GetFullPath(workspaceRoot);

    // Each command carries its Wilson's mark, so it can be found after a crash even if it was never recorded.
    private readonly IReadOnlyDictionary<string, string> _environment = pids is null
        ? environment
        : new Dictionary<string, string>(environment, StringComparer.Ordinal) { [CommandPidRegistry.OwnerVariable] = pids.OwnerMark };

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
        var decoder = Encoding.UTF8.GetDecoder();
        var started = time.GetTimestamp();
        void OnOutput(byte[] buffer, int count)
        {
            capture.Append(buffer.AsSpan(0, count));
            if (onEvent is not null)
            {
                var chars = new char[decoder.GetCharCount(buffer, 0, count)];
                decoder.GetChars(buffer, 0, count, chars, 0);
                onEvent(new CommandEvent(CommandEventKind.Output, new string(chars)));
            }
        }

        var command = Start(request.Command, directory, limits, OnOutput, onEvent, cancellationToken);
        pids?.Record(command.Id);
        var end = await command.Finished;
        pids?.Forget(command.Id);
        return new CommandResult(end.Outcome, end.ExitCode, capture.Text(), capture.TotalBytes, time.GetElapsedTime(started), end.Reason);
    }

    /// <summary>Starts <paramref name="request"/> in the background and returns at once; the exit is delivered once.</summary>
    public BackgroundCommand StartInBackground(CommandRequest request, Action<CommandEvent>? onEvent) =>
        new(request.Command, stop => Task.Run(() => RunAsync(request, onEvent, stop), CancellationToken.None));

    /// <summary>Runs a plain command line directly (<see cref="DirectCommand"/>), anything else (or what cannot be run directly) under <c>sh -c</c>.</summary>
    private SpawnedCommand Start(
        string commandLine, string directory, CommandLimits limits, Action<byte[], int> onOutput, Action<CommandEvent>? onEvent, CancellationToken cancellationToken)
    {
        SpawnedCommand Spawn(IReadOnlyList<string> program) => SpawnedCommand.Start(
            sandbox?.Wrap(_root, directory, program) ?? program, _environment, directory, limits, time, onOutput, onEvent, cancellationToken);

        if (DirectCommand.Split(commandLine, _environment) is { } direct)
        {
            try
            {
                return Spawn(direct);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not runnable as a program after all (a script with a broken interpreter line): the shell explains it.
            }
        }

        return Spawn(["sh", "-c", commandLine]);
    }

    private bool IsInside(string path) =>
        path == _root || path.StartsWith(_root.EndsWith(Path.DirectorySeparatorChar) ? _root : _root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

}
