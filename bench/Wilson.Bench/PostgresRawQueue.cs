using Npgsql;

namespace Wilson.Bench;

/// <summary>The bare table on PostgreSQL: every statement takes a pooled connection from one data source and commits on its own.</summary>
internal sealed class PostgresRawQueue : IRawQueue
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _table;

    private PostgresRawQueue(NpgsqlDataSource dataSource, string table)
    {
        _dataSource = dataSource;
        _table = table;
    }

    /// <summary>Creates a table of its own (dropped on dispose), so a shared database is left as it was.</summary>
    public static async Task<PostgresRawQueue> CreateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var queue = new PostgresRawQueue(dataSource, $"bench_raw_{Guid.NewGuid():N}"[..22]);
        await using var command = dataSource.CreateCommand($"CREATE TABLE {queue._table} (id BIGINT PRIMARY KEY, status INTEGER NOT NULL, owner TEXT)");
        await command.ExecuteNonQueryAsync(cancellationToken);
        return queue;
    }

    public Task<IRawWorker> OpenWorkerAsync(CancellationToken cancellationToken) => Task.FromResult<IRawWorker>(new Worker(_dataSource, _table));

    public async ValueTask DisposeAsync()
    {
        await using (var command = _dataSource.CreateCommand($"DROP TABLE IF EXISTS {_table}"))
        {
            await command.ExecuteNonQueryAsync();
        }

        await _dataSource.DisposeAsync();
    }

    private sealed class Worker(NpgsqlDataSource dataSource, string table) : IRawWorker
    {
        private readonly string _insertSql = $"INSERT INTO {table} (id, status, owner) VALUES ($1, 0, NULL)";
        private readonly string _completeSql = $"UPDATE {table} SET status = 2, owner = $2 WHERE id = $1";

        public async Task InsertAsync(long id, CancellationToken cancellationToken)
        {
            await using var command = dataSource.CreateCommand(_insertSql);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        public async Task CompleteAsync(long id, string owner, CancellationToken cancellationToken)
        {
            await using var command = dataSource.CreateCommand(_completeSql);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
