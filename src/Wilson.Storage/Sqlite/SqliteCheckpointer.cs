using Microsoft.Data.Sqlite;

namespace Wilson.Storage.Sqlite;

/// <summary>
/// Copies the write-ahead log back into the database file on its own connection and thread, so the
/// writer never does it inside a commit. SQLite's automatic checkpoint runs in whichever commit
/// crosses the threshold, and holds the one writer (and every write queued behind it) while it copies
/// a thousand pages; here the writer only counts its commits and the copy runs beside it.
/// </summary>
/// <remarks>
/// PASSIVE: it copies what no reader still needs and never waits, so it neither blocks nor is blocked
/// by the writer; SQLite rewinds the log at the next write once everything in it has been copied.
/// </remarks>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    // A commit of a claim or a completion changes about ten pages: this is near SQLite's own
    // threshold of a thousand pages.
    private const int CommitsPerCheckpoint = 100;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _commits;

    private SqliteCheckpointer(SqliteConnection connection)
    {
        _connection = connection;
        _loop = Task.Run(RunLoopAsync);
    }

    /// <param name="connectionString">The store's database.</param>
    /// <param name="synchronous">The store's <c>PRAGMA synchronous</c>, which also decides how a checkpoint syncs the file.</param>
    /// <param name="cancellationToken">Cancels opening the connection.</param>
    public static async Task<SqliteCheckpointer> StartAsync(string connectionString, string synchronous, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = $"{synchronous} PRAGMA busy_timeout = 30000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return new SqliteCheckpointer(connection);
    }

    /// <summary>Called by the writer after each commit; cheap, never blocks.</summary>
    public void Committed()
    {
        if (++_commits < CommitsPerCheckpoint)
        {
            return;
        }

        _commits = 0;
        if (_due.CurrentCount == 0)
        {
            try
            {
                _due.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already due: the next checkpoint takes these commits too.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _connection.DisposeAsync();
        _stop.Dispose();
        _due.Dispose();
    }

    private async Task RunLoopAsync()
    {
        await using var checkpoint = _connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _due.WaitAsync(_stop.Token);
                await checkpoint.ExecuteNonQueryAsync(_stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SqliteException)
            {
                // Busy or locked by another process's checkpoint: the log is copied on the next round,
                // and the writer's commits are unaffected either way.
            }
        }
    }
}
