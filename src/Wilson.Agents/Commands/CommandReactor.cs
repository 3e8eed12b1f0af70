using System.Collections.Concurrent;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Wilson.Agents.Commands;

/// <summary>
/// The one thread that watches every running command: an epoll set of their output pipes and pidfds,
/// woken by output, by an exit, by a new command, and every <see cref="Tick"/> while any runs, for the
/// clocks (silence, deadline, kill grace) and cancellation. A command costs no thread, timer or task of
/// its own, and starting one costs no thread start.
/// </summary>
internal sealed unsafe partial class CommandReactor
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private const int EpollCloexec = 0x80000;
    private const int EfdNonblock = 0x800;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const uint EpollIn = 0x001;
    private const int Eintr = 4;
    private const int MaxEvents = 64;

    // struct epoll_event is packed (12 bytes) on x86-64 and naturally aligned (16) elsewhere.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = EventSize - sizeof(ulong);
    private static readonly Lazy<CommandReactor> Instance = new(() => new CommandReactor());

    private readonly int _epoll;
    private readonly int _wake;
    private readonly ConcurrentQueue<SpawnedCommand> _added = new();
    private readonly Dictionary<int, SpawnedCommand> _byFd = [];
    private readonly List<SpawnedCommand> _running = [];

    private CommandReactor()
    {
        _epoll = epoll_create1(EpollCloexec);
        _wake = eventfd(0, EpollCloexec | EfdNonblock);
        if (_epoll < 0 || _wake < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "the command reactor could not be set up (epoll, eventfd)");
        }

        Watch(_wake);
        new Thread(Run) { IsBackground = true, Name = "wilson commands" }.Start();
    }

    public static CommandReactor Shared => Instance.Value;

    /// <summary>Hands a started command to the reactor thread.</summary>
    public void Add(SpawnedCommand command)
    {
        _added.Enqueue(command);
        ulong one = 1;
        _ = write(_wake, &one, sizeof(ulong));
    }

    /// <summary>Stops watching <paramref name="fd"/> (its command no longer needs it).</summary>
    public void Forget(int fd)
    {
        _ = epoll_ctl(_epoll, EpollCtlDel, fd, null);
        _byFd.Remove(fd);
    }

    private void Run()
    {
        var events = stackalloc byte[MaxEvents * EventSize];
        while (true)
        {
            var ready = epoll_wait(_epoll, events, MaxEvents, _running.Count > 0 || !_added.IsEmpty ? (int)Tick.TotalMilliseconds : -1);
            if (ready < 0 && Marshal.GetLastPInvokeError() != Eintr)
            {
                // Not expected; a pause (poll on no descriptors) keeps a persistent failure from spinning a core.
                _ = poll(null, 0, (int)Tick.TotalMilliseconds);
            }

            for (var i = 0; i < ready; i++)
            {
                var fd = (int)*(ulong*)(events + (i * EventSize) + DataOffset);
                if (fd == _wake)
                {
                    ulong count;
                    _ = read(_wake, &count, sizeof(ulong));
                }
                else if (_byFd.TryGetValue(fd, out var command))
                {
                    command.OnReady(fd);
                }
            }

            while (_added.TryDequeue(out var added))
            {
                _running.Add(added);
                _byFd[added.PidFd] = added;
                _byFd[added.OutputFd] = added;
                Watch(added.PidFd);
                Watch(added.OutputFd);
            }

            var now = Environment.TickCount64;
            _running.RemoveAll(command => command.CheckClocks(now));
        }
    }

    private void Watch(int fd)
    {
        var buffer = stackalloc byte[16];
        *(uint*)buffer = EpollIn;
        *(ulong*)(buffer + DataOffset) = (ulong)fd;
        if (epoll_ctl(_epoll, EpollCtlAdd, fd, buffer) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"the command reactor could not watch fd {fd}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epoll, int operation, int fd, byte* @event);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epoll, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(void* fds, uint count, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initial, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, void* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, void* buffer, nint count);
}
