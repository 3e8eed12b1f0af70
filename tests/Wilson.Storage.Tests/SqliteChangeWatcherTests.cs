using Microsoft.Extensions.Time.Testing;
using Wilson.Storage.Sql;
using Wilson.Storage.Sqlite;

namespace Wilson.Storage.Tests;

/// <summary>File events of the database wake watchers on a real file system, paced by PacedWake's quiet period.</summary>
public sealed class SqliteChangeWatcherTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly string _directory = Directory.CreateTempSubdirectory("wilson-watch-").FullName;
    private readonly FakeTimeProvider _time = new();
    private readonly EventSignal _signal = new();
    private readonly string _wal;

    public SqliteChangeWatcherTests() => _wal = Path.Combine(_directory, "wilson.db-wal");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_burst_of_writes_wakes_watchers_at_once_and_once_more_after_the_quiet_period()
    {
        using var watcher = await WatchAfterAFirstWakeAsync();

        var next = _signal.Next;
        for (var i = 0; i < 20; i++)
        {
            await File.AppendAllTextAsync(_wal, "another commit");
        }

        // The clock stands still inside the quiet period: however many events inotify delivers, no wake yet.
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        Assert.False(next.IsCompleted, "a file event inside the quiet period woke the watchers at once");

        _time.Advance(PacedWake.QuietPeriod);
        await next.WaitAsync(Deadline, TimeProvider.System);
    }

    [Fact]
    public async Task A_write_after_a_quiet_period_wakes_watchers_at_once()
    {
        using var watcher = await WatchAfterAFirstWakeAsync();
        // Let the events of that write settle (one write may raise several), and any wake they scheduled fire.
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        _time.Advance(PacedWake.QuietPeriod);
        await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);

        var later = _signal.Next;
        _time.Advance(TimeSpan.FromSeconds(1));
        await File.AppendAllTextAsync(_wal, "a commit a second later");

        // Woken by the file event itself: the fake clock does not move again.
        await later.WaitAsync(Deadline, TimeProvider.System);
    }

    // A watcher on a database of its own, after the first write has woken it (at once: nothing came before).
    private async Task<SqliteChangeWatcher> WatchAfterAFirstWakeAsync()
    {
        var database = Path.Combine(_directory, "wilson.db");
        await File.WriteAllTextAsync(database, "");
        var watcher = new SqliteChangeWatcher(database, new PacedWake(_signal, _time));
        watcher.Start();
        var first = _signal.Next;
        await File.AppendAllTextAsync(_wal, "first commit");
        await first.WaitAsync(Deadline, TimeProvider.System);
        return watcher;
    }
}
