using System.Globalization;
using System.Text;

namespace Wilson.Agents.Commands;

/// <summary>
/// The process groups of running commands, one file each (<c>&lt;group&gt;.pid</c> holding the owning
/// Wilson process's id), so a Wilson that starts after a crash can kill what the dead one left running.
/// A file is written just after its command starts; a Wilson killed in between leaves no file, so every
/// command also carries <see cref="OwnerVariable"/> naming its Wilson (pid and start time) and this
/// registry, and the sweep also looks for commands whose mark names a Wilson that is gone.
/// </summary>
public sealed class CommandPidRegistry(string directory)
{
    /// <summary>The environment variable that marks every command with the Wilson that started it.</summary>
    public const string OwnerVariable = "WILSON_COMMAND_OWNER";

    private readonly string _directory = Path.GetFullPath(directory);

    /// <summary>This Wilson's mark: <c>pid:start time:registry directory</c> (the start time tells a reused pid apart).</summary>
    public string OwnerMark { get; } = MarkOf(Environment.ProcessId, ProcFs.StartTime(Environment.ProcessId) ?? 0, Path.GetFullPath(directory));

    public void Record(int groupId)
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(PathOf(groupId), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    public void Forget(int groupId) => File.Delete(PathOf(groupId));

    /// <summary>A mark for the Wilson <paramref name="processId"/> started at <paramref name="startTime"/> (clock ticks since boot).</summary>
    internal string Mark(int processId, long startTime) => MarkOf(processId, startTime, _directory);

    private static string MarkOf(int processId, long startTime, string directory) =>
        string.Create(CultureInfo.InvariantCulture, $"{processId}:{startTime}:{directory}");

    /// <summary>Kills the groups whose owner is no longer alive, and forgets them; returns the groups killed.</summary>
    public async Task<IReadOnlyList<int>> SweepAsync(CancellationToken cancellationToken)
    {
        var killed = new List<int>();
        foreach (var group in RecordedOrphans().Concat(MarkedOrphans()).Distinct())
        {
            if (ProcessGroup.Alive(group))
            {
                await ProcessGroup.TerminateAsync(group, cancellationToken);
                killed.Add(group);
            }
        }

        return killed;
    }

    private List<int> RecordedOrphans()
    {
        var orphans = new List<int>();
        if (!Directory.Exists(_directory))
        {
            return orphans;
        }

        foreach (var file in Directory.EnumerateFiles(_directory, "*.pid"))
        {
            if (!int.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var group)
                || !int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var owner))
            {
                File.Delete(file);
                continue;
            }

            if (Directory.Exists($"/proc/{owner}"))
            {
                // Its Wilson still runs (this one, or another process on the same project).
                continue;
            }

            orphans.Add(group);
            File.Delete(file);
        }

        return orphans;
    }

    // The process groups of commands marked by this registry whose Wilson is gone (or whose pid now belongs to another process).
    private IEnumerable<int> MarkedOrphans()
    {
        var prefix = Encoding.UTF8.GetBytes(OwnerVariable + "=");
        var ownGroup = ProcFs.Group(Environment.ProcessId);
        foreach (var process in ProcFs.Ids())
        {
            if (ProcFs.Environment(process) is not { } environment || Value(environment, prefix) is not { } mark
                || Owner(mark) is not { } owner || owner.Directory != _directory
                || ProcFs.StartTime(owner.ProcessId) == owner.StartTime
                || ProcFs.Group(process) is not { } group || group == ownGroup)
            {
                continue;
            }

            yield return group;
        }
    }

    private static string? Value(byte[] environment, byte[] prefix)
    {
        foreach (var range in environment.AsSpan().Split((byte)0))
        {
            var entry = environment.AsSpan(range);
            if (entry.StartsWith(prefix))
            {
                return Encoding.UTF8.GetString(entry[prefix.Length..]);
            }
        }

        return null;
    }

    private static (int ProcessId, long StartTime, string Directory)? Owner(string mark)
    {
        var parts = mark.Split(':', 3);
        return parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? (pid, start, parts[2])
            : null;
    }

    private string PathOf(int groupId) => Path.Combine(_directory, $"{groupId.ToString(CultureInfo.InvariantCulture)}.pid");
}
