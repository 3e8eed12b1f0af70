using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Wilson.Core.Workflow;
using Wilson.Storage.Migrations;
using Wilson.Storage.Sql;

namespace Wilson.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Writes go through one connection behind an
/// in-process gate, so threads queue in order instead of racing for SQLite's lock (whose busy
/// handler sleeps and polls); other processes wait on the busy timeout. Reads use pooled connections.
/// </summary>
internal sealed class SqliteWorkStore : SqlWorkStore
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SqliteChangeWatcher _changes;

    private SqliteWorkStore(string path, SqliteConnection writer, string connectionString, WorkflowStateMachine stateMachine, TimeProvider time)
        : base(stateMachine, time)
    {
        _writer = writer;
        _connectionString = connectionString;
        _changes = new SqliteChangeWatcher(path, Signal);
    }

    protected override TimeSpan SafetyInterval => TimeSpan.FromSeconds(1);

    protected override string LockRows => "";

    // Dapper expands the list into (@Keys1, @Keys2, ...).
    protected override string KeyInKeys => "key IN @Keys";

    protected override string ClaimSql => """
        UPDATE work_items
        SET status = 'Running', lease_owner = @Owner, lease_expires_at = @LeaseExpiresAt, version = version + 1, updated_at = @Now
        WHERE id = (
            SELECT w.id FROM work_items w JOIN projects p ON p.id = w.project_id
            WHERE w.status = 'Ready' AND p.paused = 0 AND (@ProjectId IS NULL OR w.project_id = @ProjectId)
              AND NOT EXISTS (
                  SELECT 1 FROM json_each(w.dependencies) d
                  JOIN work_items x ON x.project_id = w.project_id AND x.key = d.value
                  WHERE x.status <> 'Done')
            ORDER BY w.priority, w.id
            LIMIT 1)
        RETURNING id, project_id, key, title, description, acceptance_criteria, definition_of_done, kind, tier, priority, parent,
            dependencies, context, verification, checklist, pipeline, stage, status, paused_from, attempts, lease_owner,
            lease_expires_at, version, created_at, updated_at
        """;

    /// <summary>Opens (creating if needed) the database file and applies missing migrations.</summary>
    public static async Task<SqliteWorkStore> OpenAsync(
        string path, SqliteDurability durability, WorkflowStateMachine stateMachine, TimeProvider time, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        var writer = new SqliteConnection(connectionString);
        try
        {
            await writer.OpenAsync(cancellationToken);
            var synchronous = durability == SqliteDurability.Full ? "FULL" : "NORMAL";
            await writer.ExecuteAsync(
                $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;",
                null, null, cancellationToken);
            var store = new SqliteWorkStore(path, writer, connectionString, stateMachine, time);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            await store.RunInWriteTransactionAsync(
                (connection, transaction) => MigrationRunner.ApplyAsync(connection, transaction, DatabaseKind.Sqlite, now, cancellationToken),
                cancellationToken);
            return store;
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
    }

    protected override async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return await read(connection);
    }

    protected override async Task<T> RunInWriteTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            // BEGIN IMMEDIATE: take the write lock up front, so a read-then-write never fails half way.
            await using var transaction = _writer.BeginTransaction(deferred: false);
            var result = await write(_writer, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    protected override Task<long> InsertEventAsync(DbConnection connection, DbTransaction transaction, EventRow row, CancellationToken cancellationToken) =>
        connection.QuerySingleValueAsync<long>(
            "INSERT INTO events (project_id, item_key, type, actor, at, payload) VALUES (@ProjectId, @ItemKey, @Type, @Actor, @At, @Payload) RETURNING seq",
            row, transaction, cancellationToken);

    protected override Task StartCrossProcessWakeupsAsync(CancellationToken cancellationToken)
    {
        _changes.Start();
        return Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        _changes.Dispose();
        await _writeGate.WaitAsync();
        try
        {
            await _writer.DisposeAsync();
        }
        finally
        {
            _writeGate.Release();
            _writeGate.Dispose();
        }

        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }
}
