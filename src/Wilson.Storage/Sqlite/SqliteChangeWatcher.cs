using Wilson.Storage.Sql;

namespace Wilson.Storage.Sqlite;

/// <summary>
/// Wakes watchers when another process writes the database: a commit in WAL mode writes the
/// <c>-wal</c> file, and inotify tells us. Started on the first watch; the store's safety read
/// covers anything the file system does not report.
/// </summary>
/// <remarks>
/// Every commit of this process also writes the <c>-wal</c> file, and its watchers are already woken
/// by the commit itself; waking them again for each file event doubled their reads under load and
/// stalled them behind their own work (measured: the back-to-back wake-up p99 about halved without
/// the duplicates, ADR 0003). So file events wake watchers at most once per <see cref="QuietPeriod"/>:
/// the first at once, any that follow within the period by one wake at its end. A write from another
/// process is therefore seen at most one period late.
/// </remarks>
internal sealed class SqliteChangeWatcher(string databasePath, EventSignal signal, TimeProvider time) : IDisposable
{
    /// <summary>The least time between two wake-ups caused by file events.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(2);

    private readonly Lock _lock = new();
    private FileSystemWatcher? _watcher;
    private bool _disposed;
    private long _lastWake = long.MinValue;
    private int _wakeScheduled;

    public void Start()
    {
        lock (_lock)
        {
            if (_watcher is not null || _disposed)
            {
                return;
            }

            var fullPath = Path.GetFullPath(databasePath);
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(fullPath)!, Path.GetFileName(fullPath) + "*")
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
            };
            _watcher.Changed += (_, _) => OnFileEvent();
            _watcher.Created += (_, _) => OnFileEvent();
            _watcher.EnableRaisingEvents = true;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _watcher?.Dispose();
            _watcher = null;
        }
    }

    private void OnFileEvent()
    {
        if (Volatile.Read(ref _wakeScheduled) == 1)
        {
            // A wake is on its way, and it comes after this write: the watchers will read it then.
            return;
        }

        var lastWake = Volatile.Read(ref _lastWake);
        var sinceLastWake = lastWake == long.MinValue ? QuietPeriod : time.GetElapsedTime(lastWake);
        if (sinceLastWake >= QuietPeriod)
        {
            Wake();
        }
        else if (Interlocked.CompareExchange(ref _wakeScheduled, 1, 0) == 0)
        {
            _ = WakeLaterAsync(QuietPeriod - sinceLastWake);
        }
    }

    private async Task WakeLaterAsync(TimeSpan delay)
    {
        await Task.Delay(delay, time);
        Volatile.Write(ref _wakeScheduled, 0);
        Wake();
    }

    private void Wake()
    {
        Volatile.Write(ref _lastWake, time.GetTimestamp());
        signal.Pulse();
    }
}
