using System.Data.Common;
using Npgsql;
using Wilson.Core.Workflow;
using Wilson.Storage.Migrations;
using Wilson.Storage.Sql;

namespace Wilson.Storage.Postgres;

/// <summary>
/// The team store on PostgreSQL: claims with <c>FOR UPDATE SKIP LOCKED</c>, rows about to change
/// locked with <c>FOR UPDATE</c>, and every event announced with <c>NOTIFY</c> on commit so
/// watchers in other processes wake through one LISTEN connection per process.
/// </summary>
internal sealed class PostgresWorkStore : SqlWorkStore
{
    /// <summary>The NOTIFY channel; the migration's trigger <c>wilson_number_event</c> notifies on the same name.</summary>
    public const string Channel = "wilson_events";

    // Any constant will do; it only has to be the same in every Wilson process.
    private const long MigrationLockId = 0x5749_4C53_4F4E;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresEventListener _listener;

    private PostgresWorkStore(NpgsqlDataSource dataSource, WorkflowStateMachine stateMachine, TimeProvider time)
        : base(stateMachine, time)
    {
        _dataSource = dataSource;
        _listener = new PostgresEventListener(dataSource, Signal, time);
    }

    protected override TimeSpan SafetyInterval => TimeSpan.FromSeconds(5);

    protected override string LockRows => " FOR UPDATE";

    // Npgsql sends the list as one array parameter.
    protected override string KeyInKeys => "key = ANY(@Keys)";

    // Each dependency is looked up by (project_id, key), one index probe per dependency, so an item
    // without any costs nothing: with a plain join the planner hash-joined the project's items for
    // every candidate (a full scan per candidate once statistics exist). The LATERAL ... LIMIT 1
    // keeps that shape whatever the statistics say. ix_work_items_ready_in_project (migration 2)
    // lets a claim for one project read its first ready row instead of sorting all of them.
    protected override string ClaimSql => """
        UPDATE work_items w
        SET status = 'Running', lease_owner = @Owner, lease_expires_at = @LeaseExpiresAt, version = w.version + 1, updated_at = @Now
        FROM (
            SELECT c.id FROM work_items c JOIN projects p ON p.id = c.project_id
            WHERE c.status = 'Ready' AND NOT p.paused AND (@ProjectId::bigint IS NULL OR c.project_id = @ProjectId)
              AND NOT EXISTS (
                  SELECT 1 FROM jsonb_array_elements_text(c.dependencies::jsonb) d(key)
                  CROSS JOIN LATERAL (
                      SELECT 1 FROM work_items x
                      WHERE x.project_id = c.project_id AND x.key = d.key AND x.status <> 'Done'
                      LIMIT 1) unfinished)
            ORDER BY c.priority, c.id
            LIMIT 1
            FOR UPDATE OF c SKIP LOCKED) next
        WHERE w.id = next.id
        RETURNING w.id, w.project_id, w.key, w.title, w.description, w.acceptance_criteria, w.definition_of_done, w.kind, w.tier,
            w.priority, w.parent, w.dependencies, w.context, w.verification, w.checklist, w.pipeline, w.stage, w.status,
            w.paused_from, w.attempts, w.lease_owner, w.lease_expires_at, w.version, w.created_at, w.updated_at
        """;

    /// <summary>Connects and applies missing migrations (under an advisory lock, so concurrent starts are safe).</summary>
    public static async Task<PostgresWorkStore> OpenAsync(
        string connectionString, WorkflowStateMachine stateMachine, TimeProvider time, CancellationToken cancellationToken)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            var store = new PostgresWorkStore(dataSource, stateMachine, time);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            await store.RunInWriteTransactionAsync(async (connection, transaction) =>
            {
                await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@Id)", new { Id = MigrationLockId }, transaction, cancellationToken);
                return await MigrationRunner.ApplyAsync(connection, transaction, DatabaseKind.Postgres, now, cancellationToken);
            }, cancellationToken);
            return store;
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    protected override async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await read(connection);
    }

    protected override async Task<T> RunInWriteTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await write(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    // The trigger events_number_at_commit numbers the event, and notifies listeners, at commit.
    protected override Task<long> InsertEventAsync(DbConnection connection, DbTransaction transaction, EventRow row, CancellationToken cancellationToken) =>
        connection.QuerySingleValueAsync<long>(
            "INSERT INTO events (project_id, item_key, type, actor, at, payload) VALUES (@ProjectId, @ItemKey, @Type, @Actor, @At, @Payload) RETURNING id",
            row, transaction, cancellationToken);

    protected override Task<long> SequenceOfAsync(long eventId, CancellationToken cancellationToken) =>
        ReadAsync(connection => connection.QuerySingleValueAsync<long>(
            "SELECT seq FROM events WHERE id = @Id", new { Id = eventId }, null, cancellationToken), cancellationToken);

    protected override Task StartCrossProcessWakeupsAsync(CancellationToken cancellationToken) => _listener.StartAsync(cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
