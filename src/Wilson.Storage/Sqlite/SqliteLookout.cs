using Microsoft.Data.Sqlite;

namespace Wilson.Storage.Sqlite;

/// <summary>
/// Answers "what is the last event's sequence?" on a connection of its own with the statement compiled once: the event
/// fan-out asks it on every file-watcher wake-up (up to 500 a second under load, most of them this process's own
/// commits), and a pooled connection and a query each time cost a busy store a tenth of its throughput.
/// </summary>
internal sealed class SqliteLookout(string connectionString) : IDisposable
{
    private readonly Lock _lock = new();
    private SqliteConnection? _connection;
    private SqliteStatement? _lastSequence;

    // The fan-out's reader and a subscriber joining may ask at once; one compiled statement serves one at a time.
    public long LastSequence()
    {
        lock (_lock)
        {
            if (_lastSequence is null)
            {
                _connection = new SqliteConnection(connectionString);
                _connection.Open();
                _lastSequence = SqliteStatement.Prepare(_connection, "SELECT COALESCE(MAX(seq), 0) FROM events");
            }

            return _lastSequence.QueryInt64();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _lastSequence?.Dispose();
            _connection?.Dispose();
        }
    }
}
