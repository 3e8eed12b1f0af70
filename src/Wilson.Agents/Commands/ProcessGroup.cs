using System.Runtime.InteropServices;

namespace Wilson.Agents.Commands;

/// <summary>Signals to a whole process group: the command and everything it started.</summary>
internal static partial class ProcessGroup
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    public static void Terminate(int groupId) => _ = kill(-groupId, SigTerm);

    public static void Kill(int groupId) => _ = kill(-groupId, SigKill);

    /// <summary>TERM to the group, then KILL to whatever is left once it has had a moment (200 ms) to stop.</summary>
    public static async Task TerminateAsync(int groupId, CancellationToken cancellationToken)
    {
        Terminate(groupId);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Alive(groupId) && waited.Elapsed < TimeSpan.FromMilliseconds(200))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
        }

        Kill(groupId);
    }

    /// <summary>True while any process of the group is alive (signal 0 only checks).</summary>
    public static bool Alive(int groupId) => kill(-groupId, 0) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
