using Microsoft.Data.Sqlite;
using Wilson.Storage;

namespace Wilson.Bench;

/// <summary>
/// The bare table in its own SQLite file, WAL, at the durability Wilson runs with; one connection per
/// worker, racing for SQLite's write lock through its busy handler as plain SQLite code would.
/// </summary>
internal sealed class SqliteRawQueue : IRawQueue
{
    private readonly string _connectionString;
    private readonly string _synchronous;

    private SqliteRawQueue(string connectionString, string synchronous)
    {
        _connectionString = connectionString;
        _synchronous = synchronous;
    }

    public static async Task<SqliteRawQueue> CreateAsync(string path, SqliteDurability durability, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        var queue = new SqliteRawQueue(connectionString, durability == SqliteDurability.Full ? "FULL" : "NORMAL");
        await using var connection = await queue.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE raw_queue (id INTEGER PRIMARY KEY, status INTEGER NOT NULL, owner TEXT)";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return queue;
    }

    public async Task<IRawWorker> OpenWorkerAsync(CancellationToken cancellationToken) =>
        new Worker(await OpenAsync(cancellationToken));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {_synchronous}; PRAGMA busy_timeout = 30000;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private sealed class Worker : IRawWorker
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _complete;

        public Worker(SqliteConnection connection)
        {
            _connection = connection;
            _insert = connection.CreateCommand();
            _insert.CommandText = "INSERT INTO raw_queue (id, status, owner) VALUES ($id, 0, NULL)";
            _insert.Parameters.Add("$id", SqliteType.Integer);
            _insert.Prepare();
            _complete = connection.CreateCommand();
            _complete.CommandText = "UPDATE raw_queue SET status = 2, owner = $owner WHERE id = $id";
            _complete.Parameters.Add("$id", SqliteType.Integer);
            _complete.Parameters.Add("$owner", SqliteType.Text);
            _complete.Prepare();
        }

        public Task InsertAsync(long id, CancellationToken cancellationToken)
        {
            _insert.Parameters[0].Value = id;
            return _insert.ExecuteNonQueryAsync(cancellationToken);
        }

        public Task CompleteAsync(long id, string owner, CancellationToken cancellationToken)
        {
            _complete.Parameters[0].Value = id;
            _complete.Parameters[1].Value = owner;
            return _complete.ExecuteNonQueryAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await _insert.DisposeAsync();
            await _complete.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}
