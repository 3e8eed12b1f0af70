using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Wilson.Agents.Commands;

/// <summary>
/// Starts a command with glibc's <c>posix_spawn</c>: in a new session (its pid is its process group's id,
/// so one signal reaches its whole tree) with no extra program in between, stdin on /dev/null, stdout and
/// stderr on one pipe, signals back to their defaults and unblocked, in the given directory and
/// environment. Process.Start cannot make a session leader without a <c>setsid</c> program in front,
/// which cost a second exec per command.
/// </summary>
internal static unsafe partial class PosixSpawn
{
    private const int OCloexec = 0x80000;
    private const int ORdonly = 0;
    private const short SpawnSetSigDef = 0x04;
    private const short SpawnSetSigMask = 0x08;
    private const short SpawnSetSid = 0x80;

    // glibc's posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336 and sigset_t 128 on 64-bit Linux; room to spare.
    private const int OpaqueSize = 512;

    /// <summary>Starts <paramref name="executable"/> with <paramref name="arguments"/> (argv[0] included); returns its pid and the read end of its output pipe.</summary>
    public static (int Pid, int OutputFd) Start(string executable, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string directory)
    {
        var fds = stackalloc int[2];
        if (pipe2(fds, OCloexec) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "the command's output pipe could not be made");
        }

        var strings = new List<nint>();
        var actions = NativeMemory.AllocZeroed(OpaqueSize);
        var attributes = NativeMemory.AllocZeroed(OpaqueSize);
        var signals = NativeMemory.AllocZeroed(OpaqueSize);
        try
        {
            Check(posix_spawn_file_actions_init(actions), "file actions");
            Check(posix_spawn_file_actions_addopen(actions, 0, Utf8(strings, "/dev/null"), ORdonly, 0), "stdin");
            Check(posix_spawn_file_actions_adddup2(actions, fds[1], 1), "stdout");
            Check(posix_spawn_file_actions_adddup2(actions, fds[1], 2), "stderr");
            Check(posix_spawn_file_actions_addchdir_np(actions, Utf8(strings, directory)), "working directory");
            Check(posix_spawnattr_init(attributes), "attributes");
            Check(posix_spawnattr_setflags(attributes, SpawnSetSid | SpawnSetSigDef | SpawnSetSigMask), "flags");
            _ = sigfillset(signals);
            Check(posix_spawnattr_setsigdefault(attributes, signals), "signal defaults");
            _ = sigemptyset(signals);
            Check(posix_spawnattr_setsigmask(attributes, signals), "signal mask");

            var argv = NullTerminated(strings, arguments);
            var envp = NullTerminated(strings, [.. environment.Select(e => $"{e.Key}={e.Value}")]);
            int pid;
            var error = posix_spawn(&pid, Utf8(strings, executable), actions, attributes, argv, envp);
            if (error != 0)
            {
                _ = close(fds[0]);
                throw new Win32Exception(error, $"the command could not be started ({executable}: {new Win32Exception(error).Message})");
            }

            return (pid, fds[0]);
        }
        finally
        {
            _ = close(fds[1]);
            _ = posix_spawn_file_actions_destroy(actions);
            _ = posix_spawnattr_destroy(attributes);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
            foreach (var pointer in strings)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    /// <summary>The first <paramref name="name"/> on the PATH of <paramref name="environment"/> (or the usual one); the name itself if it has a slash.</summary>
    public static string Resolve(string name, IReadOnlyDictionary<string, string> environment)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return name;
        }

        var path = environment.TryGetValue("PATH", out var value) && value.Length > 0 ? value : "/usr/local/bin:/usr/bin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{name} is not on the PATH ({path})");
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new Win32Exception(error, $"the command could not be prepared ({what})");
        }
    }

    private static byte* Utf8(List<nint> strings, string text)
    {
        var pointer = Marshal.StringToCoTaskMemUTF8(text);
        strings.Add(pointer);
        return (byte*)pointer;
    }

    private static byte** NullTerminated(List<nint> strings, IReadOnlyList<string> values)
    {
        var array = (byte**)Marshal.AllocCoTaskMem((values.Count + 1) * sizeof(nint));
        strings.Add((nint)array);
        for (var i = 0; i < values.Count; i++)
        {
            array[i] = Utf8(strings, values[i]);
        }

        array[values.Count] = null;
        return array;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport("libc")]
    private static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_addopen(void* actions, int fd, byte* path, int flags, int mode);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newFd);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_addchdir_np(void* actions, byte* path);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_init(void* attributes);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_destroy(void* attributes);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setflags(void* attributes, short flags);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setsigdefault(void* attributes, void* signals);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setsigmask(void* attributes, void* signals);

    [LibraryImport("libc")]
    private static partial int sigfillset(void* signals);

    [LibraryImport("libc")]
    private static partial int sigemptyset(void* signals);
}
