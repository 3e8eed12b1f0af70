using Wilson.Storage.Sql;

namespace Wilson.Storage.Sqlite;

/// <summary>
/// Wakes watchers when another process writes the database: a commit in WAL mode writes the
/// <c>-wal</c> file, and inotify tells us. Started on the first watch; the store's safety read
/// covers anything the file system does not report. This process's own commits raise the same
/// events, hence the pacing.
/// </summary>
internal sealed class SqliteChangeWatcher(string databasePath, PacedWake wake) : IDisposable
{
    private readonly Lock _lock = new();
    private FileSystemWatcher? _watcher;
    private bool _disposed;

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
            _watcher.Changed += (_, _) => wake.Request();
            _watcher.Created += (_, _) => wake.Request();
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
}
