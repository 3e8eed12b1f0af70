using System.Runtime.InteropServices;

namespace Wilson.Agents.Commands;

/// <summary>Signals to a whole process group: the command and everything it started.</summary>
internal static partial class ProcessGroup
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    public static void Terminate(int groupId) => _ = kill(-groupId, SigTerm);

    public static void Kill(int groupId) => _ = kill(-groupId, SigKill);

    /// <summary>True while any process of the group is alive (signal 0 only checks).</summary>
    public static bool Alive(int groupId) => kill(-groupId, 0) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
