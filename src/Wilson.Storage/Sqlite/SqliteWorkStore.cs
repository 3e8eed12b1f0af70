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
    private readonly SqliteCheckpointer _checkpointer;
    private readonly SqliteStatementCache _statements;
    private readonly SqliteChangeWatcher _changes;
    private readonly SqliteCommitJournal _journal;
    private readonly SqliteLookout _lookout;

    private SqliteWorkStore(
        string path, SqliteConnection writer, SqliteCheckpointer checkpointer, string connectionString, WorkflowStateMachine stateMachine, TimeProvider time)
        : base(stateMachine, time)
    {
        _writer = writer;
        _checkpointer = checkpointer;
        _journal = new SqliteCommitJournal(PublishCommitted);
        _lookout = new SqliteLookout(connectionString);
        _writes = new SqliteWriteQueue(writer, checkpointer.Committed, _journal);
        _statements = new SqliteStatementCache(writer);
        _connectionString = connectionString;
        _changes = new SqliteChangeWatcher(path, new PacedWake(Signal));
    }

    // seq is the rowid: with one writer it is gap-free and in commit order.
    private const string InsertEventSql =
        "INSERT INTO events (project_id, item_key, type, actor, at, payload) VALUES (@ProjectId, @ItemKey, @Type, @Actor, @At, @Payload) RETURNING seq";

    protected override TimeSpan SafetyInterval => TimeSpan.FromSeconds(1);

    protected override string LockRows => "";

    // Dapper expands the list into (@Keys1, @Keys2, ...).
    protected override string In(string column, string parameter) => $"{column} IN {parameter}";

    // SQLite's LIKE ignores the case of ASCII letters (and only theirs) unless told otherwise.
    protected override string LikeIgnoringCase => "LIKE";

    // The unary plus keeps SQLite off ix_events_item for a project's events: through it, it gathered every event of the
    // project and sorted them, where walking seq (the rowid) from AfterSequence stops at the LIMIT (a database is mostly
    // one project's). With an item named too, ix_events_item (project_id, item_key, seq) is the right index and is used.
    protected override string EventProjectColumn => "+project_id";

    // CROSS JOIN makes SQLite walk the item's own dependencies and look each up by (project_id, key);
    // with a plain JOIN and no statistics it scanned every item of the project for every candidate.
    // One text per scope rather than "@ProjectId IS NULL OR ...", so each keeps the plan that uses its index.
    private static string BuildClaimSql(bool oneProject) => $"""
        UPDATE work_items
        SET status = 'Running', lease_owner = @Owner, lease_expires_at = @LeaseExpiresAt, version = version + 1, updated_at = @Now
        WHERE id = (
            SELECT w.id FROM work_items w JOIN projects p ON p.id = w.project_id
            WHERE w.status = 'Ready' AND p.paused = 0 AND {(oneProject ? "w.project_id = @ProjectId" : "TRUE")}
              AND (w.not_before IS NULL OR w.not_before <= @Now)
              AND NOT EXISTS (
                  SELECT 1 FROM json_each(w.dependencies) d
                  CROSS JOIN work_items x ON x.project_id = w.project_id AND x.key = d.value
                  WHERE x.status <> 'Done')
            ORDER BY w.priority, w.id
            LIMIT 1)
        RETURNING {WorkItemRow.Columns}
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
        SqliteCheckpointer? checkpointer = null;
        SqliteWorkStore? store = null;
        try
        {
            await writer.OpenAsync(cancellationToken);
            var synchronous = $"PRAGMA synchronous = {(durability == SqliteDurability.Full ? "FULL" : "NORMAL")};";
            // The checkpointer copies the log back, not the writer's commits: see SqliteCheckpointer.
            await writer.ExecuteAsync(
                $"PRAGMA journal_mode = WAL; {synchronous} PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0;",
                null, null, cancellationToken);
            checkpointer = await SqliteCheckpointer.StartAsync(connectionString, synchronous, cancellationToken);
            store = new SqliteWorkStore(path, writer, checkpointer, connectionString, stateMachine, time);
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
                if (checkpointer is not null)
                {
                    await checkpointer.DisposeAsync();
                }

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

    protected override Task<long> InsertEventAsync(DbConnection connection, DbTransaction transaction, EventRow row, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(InsertEvent(row));
    }

    // The statements of the hot path run synchronously on the writer: Microsoft.Data.Sqlite's async
    // methods run synchronously anyway, and only add a task and a state machine per statement.
    private long InsertEvent(EventRow row)
    {
        row.Seq = _statements.Get(InsertEventSql, "@ProjectId", "@ItemKey", "@Type", "@Actor", "@At", "@Payload")
            .Bind(1, row.ProjectId)
            .Bind(2, row.ItemKey)
            .Bind(3, row.Type)
            .Bind(4, row.Actor)
            .Bind(5, row.At)
            .Bind(6, row.Payload)
            .QueryInt64();
        _journal.Add(row);
        return row.Seq;
    }

    // The writer's commits reach this process's watchers through the journal, in memory.
    protected override bool PublishesCommits => true;

    protected override Task<long> LookAtLastSequenceAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_lookout.LastSequence());
    }

    public override async Task<WorkItem?> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        var reason = ApproveClaim(request.Owner);
        var row = await WriteAsync((_, _) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(ClaimAndRecord(request, reason));
        }, cancellationToken);

        // Reading the row's JSON happens here, after the commit, not while holding the writer.
        return row?.ToItem();
    }

    private WorkItemRow? ClaimAndRecord(ClaimRequest request, string reason)
    {
        var now = Now;
        var leaseExpiresAt = now + (long)request.LeaseDuration.TotalMilliseconds;
        var row = ClaimRow(request, now, leaseExpiresAt);
        if (row is not null)
        {
            var transition = new Transition(row.Key, row.Stage, WorkStatus.Ready, row.Stage, WorkStatus.Running, reason, Actor.System);
            InsertEvent(TransitionEventRow(row.ProjectId, transition,
                new { owner = request.Owner, leaseExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(leaseExpiresAt) }));
        }

        return row;
    }

    private WorkItemRow? ClaimRow(ClaimRequest request, long now, long leaseExpiresAt)
    {
        var statement = request.ProjectId is { } projectId
            ? _statements.Get(ClaimOneProjectSql, "@Owner", "@LeaseExpiresAt", "@Now", "@ProjectId").Bind(4, projectId)
            : _statements.Get(ClaimAnyProjectSql, "@Owner", "@LeaseExpiresAt", "@Now");
        return statement
            .Bind(1, request.Owner)
            .Bind(2, leaseExpiresAt)
            .Bind(3, now)
            .QueryFirst(WorkItemRow.Read);
    }

    protected override Task<bool> WriteStateIfUnchangedAsync(long expectedVersion, WorkItem saved, EventRow newEvent, CancellationToken cancellationToken) =>
        WriteAsync((_, _) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(WriteStateIfUnchanged(expectedVersion, saved, newEvent));
        }, cancellationToken);

    private bool WriteStateIfUnchanged(long expectedVersion, WorkItem saved, EventRow newEvent)
    {
        var changed = _statements.Get(UpdateStateSql,
                "@Stage", "@Status", "@PausedFrom", "@Attempts", "@LeaseOwner", "@LeaseExpiresAt", "@Version", "@UpdatedAt", "@NotBefore", "@Id", "@ExpectedVersion")
            .Bind(1, saved.Stage)
            .Bind(2, saved.Status.ToString())
            .Bind(3, saved.PausedFrom?.ToString())
            .Bind(4, saved.Attempts)
            .Bind(5, saved.Lease?.Owner)
            .Bind(6, saved.Lease?.ExpiresAt.ToUnixTimeMilliseconds())
            .Bind(7, saved.Version)
            .Bind(8, saved.UpdatedAt.ToUnixTimeMilliseconds())
            .Bind(9, saved.NotBefore?.ToUnixTimeMilliseconds())
            .Bind(10, saved.Id)
            .Bind(11, expectedVersion)
            .Execute();
        if (changed == 0)
        {
            return false;
        }

        InsertEvent(newEvent);
        return true;
    }

    protected override Task StartCrossProcessWakeupsAsync(CancellationToken cancellationToken)
    {
        _changes.Start();
        return Task.CompletedTask;
    }

    protected override async ValueTask DisposeConnectionsAsync()
    {
        _changes.Dispose();
        _lookout.Dispose();
        await _writes.DisposeAsync();
        await _checkpointer.DisposeAsync();
        _statements.Dispose();
        await _writer.DisposeAsync();

        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }
}
