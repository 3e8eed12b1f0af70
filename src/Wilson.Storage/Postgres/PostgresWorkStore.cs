using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage.Migrations;
using Wilson.Storage.Sql;

namespace Wilson.Storage.Postgres;

/// <summary>
/// The team store on PostgreSQL: claims with <c>FOR UPDATE SKIP LOCKED</c>, rows about to change
/// locked with <c>FOR UPDATE</c>, and every transaction that writes events announced with <c>NOTIFY</c> on commit so
/// watchers in other processes wake through one LISTEN connection per process.
/// </summary>
internal sealed class PostgresWorkStore : SqlWorkStore
{
    /// <summary>The NOTIFY channel every event is announced on.</summary>
    public const string Channel = "wilson_events";

    // Ends every batch of claims and completions: one notification for all its events (listeners only
    // wake and read what is new; one per event held claim -> complete about a fifth lower, ADR 0003).
    private const string NotifySql = $"SELECT pg_notify('{Channel}', '')";

    // Any constant will do; it only has to be the same in every Wilson process.
    private const long MigrationLockId = 0x5749_4C53_4F4E;

    private static readonly string ClaimOneProjectSql = BuildClaimSql(oneProject: true);
    private static readonly string ClaimAnyProjectSql = BuildClaimSql(oneProject: false);

    // Two: one runs on the server while the next is sent behind it (see BatchSource).
    private const int BatchesInFlight = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _batchSource;
    private readonly PostgresEventListener _listener;
    private readonly PostgresStatementBatcher _batcher;

    private PostgresWorkStore(NpgsqlDataSource dataSource, NpgsqlDataSource batchSource, WorkflowStateMachine stateMachine, TimeProvider time)
        : base(stateMachine, time)
    {
        _dataSource = dataSource;
        _batchSource = batchSource;
        _listener = new PostgresEventListener(dataSource, new PacedWake(Signal), time);
        _batcher = new PostgresStatementBatcher(batchSource, NotifySql, Signal.Pulse, BatchesInFlight);
    }

    protected override TimeSpan SafetyInterval => TimeSpan.FromSeconds(5);

    protected override string LockRows => " FOR UPDATE";

    // Npgsql sends the list as one array parameter.
    protected override string In(string column, string parameter) => $"{column} = ANY({parameter})";

    protected override string LikeIgnoringCase => "ILIKE";

    // ix_events_project_seq serves a project's events in sequence order.
    protected override string EventProjectColumn => "project_id";

    // Each dependency is looked up by (project_id, key), one index probe per dependency, so an item
    // without any costs nothing: with a plain join the planner hash-joined the project's items for
    // every candidate (a full scan per candidate once statistics exist). The LATERAL ... LIMIT 1
    // keeps that shape whatever the statistics say. ix_work_items_ready_in_project
    // lets a claim for one project read its first ready row instead of sorting all of them.
    private static string BuildClaimSql(bool oneProject) => $"""
        WITH next AS (
            SELECT c.id FROM work_items c JOIN projects p ON p.id = c.project_id
            WHERE c.status = 'Ready' AND NOT p.paused AND {(oneProject ? "c.project_id = @ProjectId" : "TRUE")}
              AND (c.not_before IS NULL OR c.not_before <= @Now)
              AND NOT EXISTS (
                  SELECT 1 FROM jsonb_array_elements_text(c.dependencies::jsonb) d(key)
                  CROSS JOIN LATERAL (
                      SELECT 1 FROM work_items x
                      WHERE x.project_id = c.project_id AND x.key = d.key AND x.status <> 'Done'
                      LIMIT 1) unfinished)
            ORDER BY c.priority, c.id
            LIMIT 1
            FOR UPDATE OF c SKIP LOCKED),
        claimed AS (
            UPDATE work_items w
            SET status = 'Running', lease_owner = @Owner, lease_expires_at = @LeaseExpiresAt, version = w.version + 1, updated_at = @Now
            FROM next
            WHERE w.id = next.id
            RETURNING w.id, w.project_id, w.key, w.title, w.description, w.acceptance_criteria, w.definition_of_done, w.kind, w.tier,
                w.priority, w.parent, w.dependencies, w.context, w.verification, w.checklist, w.pipeline, w.stage, w.status,
                w.paused_from, w.attempts, w.lease_owner, w.lease_expires_at, w.version, w.created_at, w.updated_at, w.not_before),
        {NextSequence("EXISTS (SELECT 1 FROM claimed)")},
        noted AS (
            INSERT INTO events (seq, project_id, item_key, type, actor, at, payload)
            SELECT head.last_seq, project_id, key, @EventType, @Actor, @Now,
                json_build_object(
                    'from', json_build_object('stage', stage, 'status', 'Ready'),
                    'to', json_build_object('stage', stage, 'status', 'Running'),
                    'reason', @Reason,
                    'details', json_build_object('owner', @Owner, 'leaseExpiresAt', @LeaseExpiresAtText))::text
            FROM claimed, head
            RETURNING seq)
        SELECT claimed.*, noted.seq FROM claimed, noted
        """;

    // The item update and its event in one statement. The row is taken with SKIP LOCKED: a statement
    // batched after another has taken event_head must not wait for a row (see PostgresStatementBatcher);
    // a row someone else is writing reads as "not written", and the caller then decides under the lock.
    private static readonly string WriteStateSql = $"""
        WITH updated AS ({UpdateStateSql} AND id IN (SELECT id FROM work_items WHERE id = @Id FOR UPDATE SKIP LOCKED) RETURNING id),
        {AddEvent("EXISTS (SELECT 1 FROM updated)")}
        SELECT seq FROM added
        """;

    private static readonly string InsertEventAloneSql = $"WITH {AddEvent("TRUE")} SELECT seq FROM added";

    /// <summary>
    /// One statement, no explicit transaction: it takes the item, leases it and writes the claim's event
    /// (the same shape the shared code writes for every transition); batched with the claims and
    /// completions queued beside it.
    /// </summary>
    public override async Task<WorkItem?> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var leaseExpiresAt = now + request.LeaseDuration;
        var reason = ApproveClaim(request.Owner);
        var row = await _batcher.RunAsync(request.ProjectId is null ? ClaimAnyProjectSql : ClaimOneProjectSql, parameters =>
        {
            parameters.Add(Text("Owner", request.Owner));
            parameters.Add(Number("LeaseExpiresAt", leaseExpiresAt.ToUnixTimeMilliseconds()));
            parameters.Add(Number("Now", now.ToUnixTimeMilliseconds()));
            parameters.Add(Text("EventType", EventTypes.ItemTransitioned));
            parameters.Add(Text("Actor", Actor.System.ToString()));
            parameters.Add(Text("Reason", reason));
            parameters.Add(Text("LeaseExpiresAtText", leaseExpiresAt.ToString("O", CultureInfo.InvariantCulture)));
            if (request.ProjectId is { } projectId)
            {
                parameters.Add(Number("ProjectId", projectId));
            }
        }, WorkItemRow.Read, null, cancellationToken);
        // By ordinal: the claimed columns come first, in WorkItemRow.Columns order; their JSON is read here, after the commit.
        return row?.ToItem();
    }

    /// <summary>The item update and its event in one statement, batched with those queued beside it.</summary>
    protected override Task<bool> WriteStateIfUnchangedAsync(long expectedVersion, WorkItem saved, EventRow newEvent, CancellationToken cancellationToken) =>
        _batcher.RunAsync(WriteStateSql, parameters =>
        {
            parameters.Add(Text("Stage", saved.Stage));
            parameters.Add(Text("Status", saved.Status.ToString()));
            parameters.Add(Text("PausedFrom", saved.PausedFrom?.ToString()));
            parameters.Add(Number("Attempts", saved.Attempts));
            parameters.Add(Text("LeaseOwner", saved.Lease?.Owner));
            parameters.Add(Number("LeaseExpiresAt", saved.Lease?.ExpiresAt.ToUnixTimeMilliseconds()));
            parameters.Add(Number("Version", saved.Version));
            parameters.Add(Number("UpdatedAt", saved.UpdatedAt.ToUnixTimeMilliseconds()));
            parameters.Add(Number("NotBefore", saved.NotBefore?.ToUnixTimeMilliseconds()));
            parameters.Add(Number("Id", saved.Id));
            parameters.Add(Number("ExpectedVersion", expectedVersion));
            AddEventParameters(parameters, newEvent);
        }, static _ => true, false, cancellationToken);

    /// <summary>
    /// One statement batched with the claims and completions beside it: the commit wakes in-process
    /// watchers and the batch's closing NOTIFY the other processes (one round trip, where a transaction
    /// of its own takes two).
    /// </summary>
    protected override async Task<long> InsertEventAloneAsync(EventRow row, CancellationToken cancellationToken)
    {
        var seq = await _batcher.RunAsync(
            InsertEventAloneSql, parameters => AddEventParameters(parameters, row), static reader => reader.GetInt64(0), 0L, cancellationToken);
        return seq > 0 ? seq : throw new InvalidOperationException("the event was not written: its insert returned no sequence number");
    }

    /// <summary>The parameters of <see cref="AddEvent"/>'s row: the names Dapper binds from an <see cref="EventRow"/>.</summary>
    private static void AddEventParameters(NpgsqlParameterCollection parameters, EventRow row)
    {
        parameters.Add(Number("ProjectId", row.ProjectId));
        parameters.Add(Text("ItemKey", row.ItemKey));
        parameters.Add(Text("Type", row.Type));
        parameters.Add(Text("Actor", row.Actor));
        parameters.Add(Number("At", row.At));
        parameters.Add(Text("Payload", row.Payload));
    }

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Number(string name, long? value) =>
        new(name, NpgsqlDbType.Bigint) { Value = value is { } number ? number : DBNull.Value };

    /// <summary>Connects and applies missing migrations (under an advisory lock, so concurrent starts are safe).</summary>
    public static async Task<PostgresWorkStore> OpenAsync(
        string connectionString, WorkflowStateMachine stateMachine, TimeProvider time, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The same few statements run over and over: prepared, they skip planning (over half a
            // claim's server time). A connection string that sets its own value keeps it.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        // Only this store uses its pool, and it leaves no session state behind (LISTEN has a connection of
        // its own): resetting each connection on its return (RESET ALL, UNLISTEN, advisory unlocks...)
        // would only add server work to every claim and completion.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        var dataSource = builder.Build();
        var store = new PostgresWorkStore(dataSource, BatchSource(builder.ConnectionStringBuilder), stateMachine, time);
        try
        {
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
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Claims and completions run on one multiplexed connection of their own: a batch sent while the
    /// last still runs is pipelined behind it, so the server goes from one batch to the next without
    /// waiting for the client in between (on this machine claim -> complete rose from about half of the
    /// raw ceiling to 70-82% of it, ADR 0003); one connection, so batches never wait for each other's
    /// <c>event_head</c> lock. Npgsql 10 calls multiplexing experimental and its next major removes it:
    /// the property then stops compiling, and the way back is the store's own pool with one batch at a time.
    /// </summary>
    private static NpgsqlDataSource BatchSource(NpgsqlConnectionStringBuilder settings)
    {
        var batches = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Multiplexing = true, MinPoolSize = 0, MaxPoolSize = 1 };
        return NpgsqlDataSource.Create(batches);
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

    protected override Task<long> InsertEventAsync(DbConnection connection, DbTransaction transaction, EventRow row, CancellationToken cancellationToken) =>
        connection.QuerySingleValueAsync<long>(
            $"WITH {AddEvent("TRUE")} SELECT seq, pg_notify('{Channel}', seq::text) FROM added", row, transaction, cancellationToken);

    /// <summary>A CTE <c>head</c> holding the next event number, taken only when <paramref name="condition"/> holds.</summary>
    private static string NextSequence(string condition) =>
        $"head AS (UPDATE event_head SET last_seq = last_seq + 1 WHERE id = 1 AND {condition} RETURNING last_seq)";

    /// <summary>
    /// CTEs <c>head</c> and <c>added</c>: the event of <see cref="AddEventParameters"/> written under the next
    /// number, only when <paramref name="condition"/> holds; the caller selects <c>seq</c> from <c>added</c>.
    /// </summary>
    private static string AddEvent(string condition) => $"""
        {NextSequence(condition)},
        added AS (
            INSERT INTO events (seq, project_id, item_key, type, actor, at, payload)
            SELECT last_seq, @ProjectId, @ItemKey, @Type, @Actor, @At, @Payload FROM head
            RETURNING seq)
        """;

    protected override Task StartCrossProcessWakeupsAsync(CancellationToken cancellationToken) => _listener.StartAsync(cancellationToken);

    protected override async ValueTask DisposeConnectionsAsync()
    {
        await _batcher.DisposeAsync();
        await _batchSource.DisposeAsync();
        await _listener.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
