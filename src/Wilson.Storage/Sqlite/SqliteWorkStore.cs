using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage.Migrations;
using Wilson.Storage.Sql;

namespace Wilson.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Writes go through one connection fed by an
/// in-process queue (<see cref="SqliteWriteQueue"/>), so threads queue in order instead of racing for
/// SQLite's lock (whose busy handler sleeps and polls), and writes queued together share a commit;
/// other processes wait on the busy timeout. Reads use pooled connections.
/// </summary>
internal sealed class SqliteWorkStore : SqlWorkStore
{
    private static readonly string ClaimOneProjectSql = BuildClaimSql(oneProject: true);
    private static readonly string ClaimAnyProjectSql = BuildClaimSql(oneProject: false);

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SqliteWriteQueue _writes;
    private readonly SqliteStatementCache _statements;
    private readonly SqliteChangeWatcher _changes;

    private SqliteWorkStore(string path, SqliteConnection writer, string connectionString, WorkflowStateMachine stateMachine, TimeProvider time)
        : base(stateMachine, time)
    {
        _writer = writer;
        _writes = new SqliteWriteQueue(writer);
        _statements = new SqliteStatementCache(writer);
        _connectionString = connectionString;
        _changes = new SqliteChangeWatcher(path, Signal);
    }

    // seq is the rowid: with one writer it is gap-free and in commit order.
    private const string InsertEventSql =
        "INSERT INTO events (project_id, item_key, type, actor, at, payload) VALUES (@ProjectId, @ItemKey, @Type, @Actor, @At, @Payload) RETURNING seq";

    protected override TimeSpan SafetyInterval => TimeSpan.FromSeconds(1);

    protected override string LockRows => "";

    // Dapper expands the list into (@Keys1, @Keys2, ...).
    protected override string KeyInKeys => "key IN @Keys";

    // CROSS JOIN makes SQLite walk the item's own dependencies and look each up by (project_id, key);
    // with a plain JOIN and no statistics it scanned every item of the project for every candidate.
    // One text per scope rather than "@ProjectId IS NULL OR ...", so each keeps the plan that uses its index.
    private static string BuildClaimSql(bool oneProject) => $"""
        UPDATE work_items
        SET status = 'Running', lease_owner = @Owner, lease_expires_at = @LeaseExpiresAt, version = version + 1, updated_at = @Now
        WHERE id = (
            SELECT w.id FROM work_items w JOIN projects p ON p.id = w.project_id
            WHERE w.status = 'Ready' AND p.paused = 0 AND {(oneProject ? "w.project_id = @ProjectId" : "TRUE")}
              AND NOT EXISTS (
                  SELECT 1 FROM json_each(w.dependencies) d
                  CROSS JOIN work_items x ON x.project_id = w.project_id AND x.key = d.value
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
        SqliteWorkStore? store = null;
        try
        {
            await writer.OpenAsync(cancellationToken);
            var synchronous = durability == SqliteDurability.Full ? "FULL" : "NORMAL";
            await writer.ExecuteAsync(
                $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;",
                null, null, cancellationToken);
            store = new SqliteWorkStore(path, writer, connectionString, stateMachine, time);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            await store.RunInWriteTransactionAsync(
                (connection, transaction) => MigrationRunner.ApplyAsync(connection, transaction, DatabaseKind.Sqlite, now, cancellationToken),
                cancellationToken);
            return store;
        }
        catch
        {
            if (store is not null)
            {
                await store.DisposeAsync();
            }
            else
            {
                await writer.DisposeAsync();
            }

            throw;
        }
    }

    protected override async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return await read(connection);
    }

    protected override Task<T> RunInWriteTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken) =>
        _writes.RunAsync(write, cancellationToken);

    protected override async Task<long> InsertEventAsync(DbConnection connection, DbTransaction transaction, EventRow row, CancellationToken cancellationToken)
    {
        var command = _statements.Get(InsertEventSql, (SqliteTransaction)transaction);
        command.Parameters.AddWithValue("@ProjectId", row.ProjectId);
        command.Parameters.AddWithValue("@ItemKey", (object?)row.ItemKey ?? DBNull.Value);
        command.Parameters.AddWithValue("@Type", row.Type);
        command.Parameters.AddWithValue("@Actor", row.Actor);
        command.Parameters.AddWithValue("@At", row.At);
        command.Parameters.AddWithValue("@Payload", row.Payload);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public override async Task<WorkItem?> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        var reason = ApproveClaim(request.Owner);
        var row = await WriteAsync(async (connection, transaction) =>
        {
            var now = Now;
            var leaseExpiresAt = now + (long)request.LeaseDuration.TotalMilliseconds;
            var row = await ClaimRowAsync(connection, transaction, request, now, leaseExpiresAt, cancellationToken);
            if (row is not null)
            {
                var transition = new Transition(row.Key, row.Stage, WorkStatus.Ready, row.Stage, WorkStatus.Running, reason, Actor.System);
                await AppendTransitionAsync(connection, transaction, row.ProjectId, transition,
                    new { owner = request.Owner, leaseExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(leaseExpiresAt) }, cancellationToken);
            }

            return row;
        }, cancellationToken);

        // Reading the row's JSON happens here, after the commit, not while holding the writer.
        return row?.ToItem();
    }

    private async Task<WorkItemRow?> ClaimRowAsync(
        DbConnection connection, DbTransaction transaction, ClaimRequest request, long now, long leaseExpiresAt, CancellationToken cancellationToken)
    {
        var command = _statements.Get((request.ProjectId is null ? ClaimAnyProjectSql : ClaimOneProjectSql), (SqliteTransaction)transaction);
        command.Parameters.AddWithValue("@Owner", request.Owner);
        command.Parameters.AddWithValue("@LeaseExpiresAt", leaseExpiresAt);
        command.Parameters.AddWithValue("@Now", now);
        if (request.ProjectId is { } projectId)
        {
            command.Parameters.AddWithValue("@ProjectId", projectId);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetRowParser<WorkItemRow>()(reader) : null;
    }

    protected override Task<bool> WriteStateIfUnchangedAsync(long expectedVersion, WorkItem saved, EventRow newEvent, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var command = _statements.Get(UpdateStateSql, (SqliteTransaction)transaction);
            (string Name, object? Value)[] values =
            [
                ("@Stage", saved.Stage), ("@Status", saved.Status.ToString()), ("@PausedFrom", saved.PausedFrom?.ToString()),
                ("@Attempts", saved.Attempts), ("@LeaseOwner", saved.Lease?.Owner), ("@LeaseExpiresAt", saved.Lease?.ExpiresAt.ToUnixTimeMilliseconds()),
                ("@Version", saved.Version), ("@UpdatedAt", saved.UpdatedAt.ToUnixTimeMilliseconds()), ("@Id", saved.Id),
                ("@ExpectedVersion", expectedVersion),
            ];
            foreach (var (name, value) in values)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }

            await InsertEventAsync(connection, transaction, newEvent, cancellationToken);
            return true;
        }, cancellationToken);


    protected override Task StartCrossProcessWakeupsAsync(CancellationToken cancellationToken)
    {
        _changes.Start();
        return Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        _changes.Dispose();
        await _writes.DisposeAsync();
        _statements.Dispose();
        await _writer.DisposeAsync();

        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }
}
