using System.Globalization;

namespace Wilson.Agents.Commands;

/// <summary>
/// The process groups of running commands, one file each (<c>&lt;group&gt;.pid</c> holding the owning
/// Wilson process's id), so a Wilson that starts after a crash can kill what the dead one left running.
/// </summary>
public sealed class CommandPidRegistry(string directory)
{
    public void Record(int groupId)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(PathOf(groupId), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    public void Forget(int groupId) => File.Delete(PathOf(groupId));

    /// <summary>Kills the groups whose owner is no longer alive, and forgets them; returns the groups killed.</summary>
    public async Task<IReadOnlyList<int>> SweepAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var killed = new List<int>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.pid"))
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

            if (ProcessGroup.Alive(group))
            {
                await ProcessGroup.TerminateAsync(group, cancellationToken);
                killed.Add(group);
            }

            File.Delete(file);
        }

        return killed;
    }

    private string PathOf(int groupId) => Path.Combine(directory, $"{groupId.ToString(CultureInfo.InvariantCulture)}.pid");
}
