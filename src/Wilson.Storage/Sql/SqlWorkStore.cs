using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Plans;
using Wilson.Core.Projects;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Storage.Sql;

/// <summary>
/// The store's logic, written once: an item write reads the row inside a write transaction, asks the
/// state machine, writes with a version check and appends its event in the same transaction. The
/// hot path is leaner: a completion decides on the worker's copy and writes only if the version
/// still matches. A dialect supplies connections, transactions, the claim and event sequencing.
/// </summary>
internal abstract partial class SqlWorkStore(WorkflowStateMachine stateMachine, TimeProvider time) : IWorkStore
{
    private const string UpdateItemSql = """
        UPDATE work_items SET
            title = @Title, description = @Description, acceptance_criteria = @AcceptanceCriteria,
            definition_of_done = @DefinitionOfDone, kind = @Kind, tier = @Tier, priority = @Priority, parent = @Parent,
            dependencies = @Dependencies, context = @Context, verification = @Verification, checklist = @Checklist,
            version = @Version, updated_at = @UpdatedAt
        WHERE id = @Id AND version = @ExpectedVersion
        """;

    /// <summary>
    /// A transition changes only where the item is and who holds it, so it writes only those columns
    /// (no JSON to serialise, fewer parameters to bind) under the same version check.
    /// </summary>
    protected const string UpdateStateSql = """
        UPDATE work_items SET
            stage = @Stage, status = @Status, paused_from = @PausedFrom, attempts = @Attempts,
            lease_owner = @LeaseOwner, lease_expires_at = @LeaseExpiresAt, version = @Version, updated_at = @UpdatedAt,
            not_before = @NotBefore
        WHERE id = @Id AND version = @ExpectedVersion
        """;

    private const string InsertItemSql = """
        INSERT INTO work_items (project_id, key, title, description, acceptance_criteria, definition_of_done, kind, tier,
            priority, parent, dependencies, context, verification, checklist, pipeline, stage, status, paused_from, attempts,
            lease_owner, lease_expires_at, version, created_at, updated_at)
        VALUES (@ProjectId, @Key, @Title, @Description, @AcceptanceCriteria, @DefinitionOfDone, @Kind, @Tier,
            @Priority, @Parent, @Dependencies, @Context, @Verification, @Checklist, @Pipeline, @Stage, @Status, @PausedFrom, @Attempts,
            @LeaseOwner, @LeaseExpiresAt, @Version, @CreatedAt, @UpdatedAt)
        RETURNING id
        """;

    // What the claim statement does to a row, for the state machine to approve.
    private static readonly WorkItem ClaimProbe = new()
    {
        Id = 0, ProjectId = 0, Key = "T-1", Title = "claim", Pipeline = PipelineCatalog.DefaultPipeline, Stage = "plan", Status = WorkStatus.Ready,
    };

    private EventFanOut? _fanOut;

    protected EventSignal Signal { get; } = new();

    protected TimeProvider Time => time;

    /// <summary>How long a watcher waits before reading anyway, in case a wake-up from another process was missed.</summary>
    protected abstract TimeSpan SafetyInterval { get; }

    /// <summary>Appended to a SELECT of rows about to be changed (<c> FOR UPDATE</c> where the database locks rows).</summary>
    protected abstract string LockRows { get; }

    /// <summary>A condition that <paramref name="column"/> is one of the values of the list parameter <paramref name="parameter"/> (<c>@Keys</c>).</summary>
    protected abstract string In(string column, string parameter);

    /// <summary>The LIKE operator that ignores case (as far as the database can: SQLite folds ASCII letters only).</summary>
    protected abstract string LikeIgnoringCase { get; }

    /// <summary>
    /// How an events query names project_id when it does not also name an item: where the database has no (project_id, seq)
    /// index, so that it reads the project's events in sequence order from the table, a LIMIT stopping it early.
    /// </summary>
    protected abstract string EventProjectColumn { get; }

    /// <summary>A condition that one of the columns matches its <see cref="LikePattern"/> parameter, ignoring case.</summary>
    private string LikeAny(params IEnumerable<(string Column, string Pattern)> matches) =>
        SqlConditions.Or(matches.Select(m => $"{m.Column} {LikeIgnoringCase} {m.Pattern}{LikePattern.Escape}"));

    protected abstract Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="write"/> in a transaction that holds the write lock, and commits it.</summary>
    protected abstract Task<T> RunInWriteTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken);

    /// <summary>Inserts an event with the next gap-free sequence number and returns the number.</summary>
    protected abstract Task<long> InsertEventAsync(DbConnection connection, DbTransaction transaction, EventRow row, CancellationToken cancellationToken);

    /// <summary>Starts whatever wakes this process when another process appends events.</summary>
    protected abstract Task StartCrossProcessWakeupsAsync(CancellationToken cancellationToken);

    /// <summary>Closes the dialect's connections; the event fan-out is stopped before.</summary>
    protected abstract ValueTask DisposeConnectionsAsync();

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _fanOut) is { } fanOut)
        {
            await fanOut.DisposeAsync();
        }

        await DisposeConnectionsAsync();
    }

    // Made on first watch: it reads the dialect's settings, which a base constructor must not.
    private EventFanOut FanOut => LazyInitializer.EnsureInitialized(ref _fanOut, () => new EventFanOut(
        (after, limit, ct) => ReadEventsAsync(new EventQuery { AfterSequence = after, Limit = limit }, ct),
        LookAtLastSequenceAsync, StartCrossProcessWakeupsAsync, Signal, SafetyInterval, time, PublishesCommits));

    /// <summary>The last event's sequence, as the fan-out's reader asks it on each wake-up; a dialect may answer it more cheaply.</summary>
    protected virtual Task<long> LookAtLastSequenceAsync(CancellationToken cancellationToken) => GetLastSequenceAsync(cancellationToken);

    protected long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<Project> RegisterProjectAsync(ProjectRegistration registration, Actor actor, CancellationToken cancellationToken)
    {
        _ = stateMachine.Pipelines.Get(registration.DefaultPipeline);
        return await WriteAsync(async (connection, transaction) =>
        {
            var id = await connection.QuerySingleOrNullAsync<long?>(
                """
                INSERT INTO projects (name, root_path, default_branch, default_pipeline, paused, next_item_number, created_at)
                VALUES (@Name, @RootPath, @DefaultBranch, @DefaultPipeline, @Paused, 0, @Now)
                ON CONFLICT (name) DO NOTHING
                RETURNING id
                """,
                new { registration.Name, registration.RootPath, registration.DefaultBranch, registration.DefaultPipeline, Paused = false, Now },
                transaction, cancellationToken);
            var project = (await FindProjectAsync(connection, transaction, registration.Name, cancellationToken))!;
            if (id is not null)
            {
                await AppendAsync(connection, transaction, new NewEvent(project.Id, null, EventTypes.ProjectCreated, actor,
                    StoreJson.Write(new { registration.Name, registration.RootPath, registration.DefaultBranch, registration.DefaultPipeline })), cancellationToken);
            }

            return project;
        }, cancellationToken);
    }

    public Task<Project?> FindProjectAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(connection => FindProjectAsync(connection, null, name, cancellationToken), cancellationToken);

    public Task<Project> SetProjectPausedAsync(long projectId, bool paused, string reason, Actor actor, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(
                "UPDATE projects SET paused = @Paused WHERE id = @Id", new { Paused = paused, Id = projectId }, transaction, cancellationToken);
            if (changed == 0)
            {
                throw new InvalidOperationException($"no project with id {projectId}");
            }

            await AppendAsync(connection, transaction, new NewEvent(projectId, null,
                paused ? EventTypes.ProjectPaused : EventTypes.ProjectResumed, actor, StoreJson.Write(new { reason })), cancellationToken);
            return (await LoadProjectAsync(connection, transaction, projectId, cancellationToken))!.ToProject();
        }, cancellationToken);

    public async Task<ItemWriteResult> AddItemAsync(long projectId, NewWorkItem item, Actor actor, CancellationToken cancellationToken) =>
        (await AddItemsAsync(projectId, [item], actor, cancellationToken))[0];

    public Task<IReadOnlyList<ItemWriteResult>> AddItemsAsync(long projectId, IReadOnlyList<NewWorkItem> items, Actor actor, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<ItemWriteResult>>(async (connection, transaction) =>
        {
            var project = await LoadProjectAsync(connection, transaction, projectId, cancellationToken)
                ?? throw new InvalidOperationException($"no project with id {projectId}");
            var dependencies = items.SelectMany(i => i.Dependencies).Distinct(StringComparer.Ordinal).ToList();
            var existing = await ExistingKeysAsync(connection, transaction, projectId, dependencies, cancellationToken);
            var errors = items.Select(i => ValidateNew(i, project.DefaultPipeline, existing, project.Name)).ToList();
            if (errors.Any(e => e is not null))
            {
                return errors.Select(e => ItemWriteResult.Refused(
                    WriteFailure.InvalidInput, e ?? "not added: another item of the same batch was refused")).ToList();
            }

            var last = await connection.QuerySingleValueAsync<long>(
                "UPDATE projects SET next_item_number = next_item_number + @Count WHERE id = @Id RETURNING next_item_number",
                new { Count = (long)items.Count, Id = projectId }, transaction, cancellationToken);
            var results = new List<ItemWriteResult>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var key = WorkItemRules.FormatKey(last - items.Count + 1 + i);
                var created = await InsertNewItemAsync(connection, transaction, projectId, key, items[i], project.DefaultPipeline, actor, cancellationToken);
                results.Add(ItemWriteResult.Success(created));
            }

            return results;
        }, cancellationToken);

    public Task<WorkItem?> GetItemAsync(long projectId, string key, CancellationToken cancellationToken) =>
        ReadAsync(connection => LoadItemAsync(connection, null, projectId, key, cancellationToken), cancellationToken);

    public Task<ItemWriteResult> EditItemAsync(long projectId, string key, ItemEdit edit, long expectedVersion, Actor actor, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var item = await LoadItemAsync(connection, transaction, projectId, key, cancellationToken);
            if (item is null)
            {
                return NotFound(key);
            }

            if (item.Version != expectedVersion)
            {
                return Stale(item, expectedVersion);
            }

            var edited = edit.ApplyTo(item);
            if (await ValidateEditAsync(connection, transaction, edited, cancellationToken) is { } error)
            {
                return ItemWriteResult.Refused(WriteFailure.InvalidInput, $"{key}: {error}");
            }

            return await SaveAsync(connection, transaction, item, edited, new NewEvent(projectId, key, EventTypes.ItemEdited, actor,
                StoreJson.Write(edit)), cancellationToken);
        }, cancellationToken);

    public Task<ItemWriteResult> TransitionAsync(
        long projectId, string key, TransitionTarget target, string reason, Actor actor, long? expectedVersion, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var item = await LoadItemAsync(connection, transaction, projectId, key, cancellationToken);
            if (item is null)
            {
                return NotFound(key);
            }

            return expectedVersion is { } expected && item.Version != expected
                ? Stale(item, expected)
                : await ApplyTransitionAsync(connection, transaction, item, target, reason, actor, null, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Takes the next runnable item with one statement (the dialect's, using the partial index of ready
    /// rows) and appends the claim's event in the same transaction.
    /// </summary>
    public abstract Task<WorkItem?> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Asks the state machine once per claim whether Wilson may move a Ready item to Running (the
    /// claim statement does exactly that to whichever row it takes); returns the transition's reason.
    /// </summary>
    protected string ApproveClaim(string owner)
    {
        var reason = $"claimed by {owner}";
        var result = stateMachine.TryTransition(ClaimProbe, TransitionTarget.ToStatus(WorkStatus.Running), reason, Actor.System);
        return result.Succeeded
            ? reason
            : throw new InvalidOperationException($"the state machine no longer lets Wilson claim a Ready item: {result.Error}");
    }

    public Task<bool> RenewLeaseAsync(long itemId, string owner, TimeSpan duration, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var now = Now;
            var changed = await connection.ExecuteAsync(
                """
                UPDATE work_items SET lease_expires_at = @Until
                WHERE id = @Id AND status = 'Running' AND lease_owner = @Owner
                """,
                new { Until = now + (long)duration.TotalMilliseconds, Id = itemId, Owner = owner }, transaction, cancellationToken);
            return changed == 1;
        }, cancellationToken);

    public async Task<ItemWriteResult> CompleteAsync(WorkItem held, string owner, TransitionTarget target, string reason, Actor actor, CancellationToken cancellationToken)
    {
        // The common case: the worker's copy is current (leases renew without changing the version, and
        // every other write changes it), so decide on it and write only if the row is still that version.
        if (held is { Status: WorkStatus.Running } && held.Lease?.Owner == owner)
        {
            var result = stateMachine.TryTransition(held, target, reason, actor);
            if (result.Succeeded)
            {
                var saved = result.Item! with { Version = held.Version + 1, UpdatedAt = time.GetUtcNow() };
                var completed = TransitionEventRow(held.ProjectId, result.Transition!, new { owner });
                if (await WriteStateIfUnchangedAsync(held.Version, saved, completed, cancellationToken))
                {
                    return ItemWriteResult.Success(saved);
                }
            }
        }

        // Something moved, the lease is not ours, or the copy says no: decide again on the row itself,
        // under the write lock, which says exactly what (a stale copy must not be the reason for a refusal).
        return await CompleteLockedAsync(held.Id, owner, target, reason, actor, cancellationToken);
    }

    private Task<ItemWriteResult> CompleteLockedAsync(long itemId, string owner, TransitionTarget target, string reason, Actor actor, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var row = await connection.QuerySingleOrNullAsync<WorkItemRow>(
                $"SELECT {WorkItemRow.Columns} FROM work_items WHERE id = @Id{LockRows}", new { Id = itemId }, transaction, cancellationToken);
            if (row is null)
            {
                return ItemWriteResult.Refused(WriteFailure.NotFound, $"no item with id {itemId}");
            }

            var item = row.ToItem();
            if (item.Status != WorkStatus.Running || item.Lease?.Owner != owner)
            {
                var holder = item.Lease is { } lease ? $", held by {lease.Owner}" : "";
                return ItemWriteResult.Refused(WriteFailure.LeaseLost,
                    $"{item.Key}: lease lost: the item is {item.Status}{holder}, so the result of {owner} is not applied");
            }

            return await ApplyTransitionAsync(connection, transaction, item, target, reason, actor, new { owner }, cancellationToken);
        }, cancellationToken);

    public Task<SweepResult> SweepExpiredLeasesAsync(int maxAttempts, CancellationToken cancellationToken) =>
        SweepExpiredLeasesAsync(null, maxAttempts, cancellationToken);

    public Task<SweepResult> SweepExpiredLeasesAsync(long projectId, int maxAttempts, CancellationToken cancellationToken) =>
        SweepExpiredLeasesAsync((long?)projectId, maxAttempts, cancellationToken);

    private Task<SweepResult> SweepExpiredLeasesAsync(long? projectId, int maxAttempts, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var rows = await connection.QueryListAsync<WorkItemRow>(
                $"""
                SELECT {WorkItemRow.Columns} FROM work_items
                WHERE status = 'Running' AND lease_expires_at < @Now {(projectId is null ? "" : "AND project_id = @ProjectId")}
                ORDER BY id{LockRows}
                """,
                new { Now, ProjectId = projectId }, transaction, cancellationToken);
            if (rows.Count == 0)
            {
                await RemoveDeadWorkersAsync(connection, transaction, cancellationToken);
                return SweepResult.Nothing;
            }

            var requeued = new List<string>();
            var deadLettered = new List<string>();
            foreach (var item in rows.Select(r => r.ToItem()))
            {
                var attempts = item.Attempts + 1;
                var exhausted = attempts >= maxAttempts;
                var reason = $"lease of {item.Lease?.Owner} expired (attempt {attempts} of {maxAttempts})";
                var result = await ApplyTransitionAsync(connection, transaction, item with { Attempts = attempts },
                    TransitionTarget.ToStatus(exhausted ? WorkStatus.Failed : WorkStatus.Ready), reason, Actor.System,
                    new { attempts, deadLettered = exhausted }, cancellationToken);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"the lease sweep could not move {item.Key}: {result.Error}");
                }

                await AbandonExecutionsAsync(connection, transaction, item, cancellationToken);
                (exhausted ? deadLettered : requeued).Add(item.Key);
            }

            await RemoveDeadWorkersAsync(connection, transaction, cancellationToken);
            return new SweepResult(requeued, deadLettered);
        }, cancellationToken);

    public Task<ItemWriteResult> RequeueAsync(long projectId, string key, string reason, Actor actor, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var item = await LoadItemAsync(connection, transaction, projectId, key, cancellationToken);
            if (item is null)
            {
                return NotFound(key);
            }

            if (item.Status != WorkStatus.Failed)
            {
                return ItemWriteResult.Refused(WriteFailure.TransitionRefused, $"{key} is {item.Status}, not in the dead letter (Failed): only a Failed item is requeued");
            }

            return await ApplyTransitionAsync(connection, transaction, item with { Attempts = 0 }, TransitionTarget.ToStatus(WorkStatus.Ready),
                reason, actor, new { requeued = true }, cancellationToken);
        }, cancellationToken);

    public Task<StatusSummary> GetStatusAsync(long projectId, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var counts = await connection.QueryListAsync<(string Stage, string Status, long Count)>(
                "SELECT stage, status, COUNT(*) FROM work_items WHERE project_id = @ProjectId GROUP BY stage, status",
                new { ProjectId = projectId }, null, cancellationToken);
            var rows = await connection.QueryListAsync<WorkItemRow>(
                $"SELECT {WorkItemRow.Columns} FROM work_items WHERE project_id = @ProjectId AND status IN ('Running', 'Failed') ORDER BY id",
                new { ProjectId = projectId }, null, cancellationToken);
            var paused = await connection.QuerySingleValueAsync<bool>(
                "SELECT paused FROM projects WHERE id = @ProjectId", new { ProjectId = projectId }, null, cancellationToken);
            var items = rows.Select(r => r.ToItem()).ToList();
            return new StatusSummary(
                counts.Select(c => new StageStatusCount(c.Stage, Enum.Parse<WorkStatus>(c.Status), (int)c.Count)).ToList(),
                items.Where(i => i.Status == WorkStatus.Running).ToList(),
                items.Where(i => i.Status == WorkStatus.Failed).ToList(),
                paused);
        }, cancellationToken);

    public async Task<WorkEvent> AppendEventAsync(NewEvent newEvent, CancellationToken cancellationToken)
    {
        var row = NewEventRow(newEvent);
        row.Seq = await InsertEventAloneAsync(row, cancellationToken);
        return row.ToEvent();
    }

    /// <summary>Appends an event that goes with no other write, and wakes in-process watchers; returns its sequence number.</summary>
    protected virtual Task<long> InsertEventAloneAsync(EventRow row, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => InsertEventAsync(connection, transaction, row, cancellationToken), cancellationToken);

    public Task<long> GetLastSequenceAsync(CancellationToken cancellationToken) =>
        ReadAsync(connection => connection.QuerySingleValueAsync<long>("SELECT COALESCE(MAX(seq), 0) FROM events", null, null, cancellationToken), cancellationToken);

    public async IAsyncEnumerable<WorkEvent> WatchEventsAsync(EventQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = query.AfterSequence;
        while (true)
        {
            // Subscribe first, then read the store up to now: what the fan-out reads later reaches us in memory,
            // what was committed before is in the store, and a duplicate at the seam is skipped by its sequence.
            using var subscription = await FanOut.SubscribeAsync(query, cancellationToken);
            while (true)
            {
                var batch = await ReadEventsAsync(query with { AfterSequence = after }, cancellationToken);
                foreach (var e in batch)
                {
                    yield return e;
                    after = e.Sequence;
                }

                if (batch.Count < query.Limit)
                {
                    break;
                }
            }

            // Completes when we fell behind and were dropped (then read the store from `after` again), or throws
            // the store's failure.
            while (await subscription.Batches.WaitToReadAsync(cancellationToken))
            {
                while (subscription.Batches.TryRead(out var batch))
                {
                    foreach (var e in batch)
                    {
                        if (e.Sequence > after)
                        {
                            yield return e;
                            after = e.Sequence;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Runs a write transaction, then wakes in-process watchers (its events are committed by then), unless the dialect
    /// hands them its committed events itself (<see cref="PublishesCommits"/>).
    /// </summary>
    protected async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        var result = await RunInWriteTransactionAsync(write, cancellationToken);
        if (!PublishesCommits)
        {
            Signal.Pulse();
        }

        return result;
    }

    /// <summary>
    /// True when the dialect passes every event it commits to <see cref="PublishCommitted"/>, in sequence order: then
    /// <see cref="Signal"/> means only "another process may have written", and is checked before it costs a read.
    /// </summary>
    protected virtual bool PublishesCommits => false;

    /// <summary>Hands events this process just committed to its watchers, in memory.</summary>
    protected void PublishCommitted(IReadOnlyList<WorkEvent> committed) => Volatile.Read(ref _fanOut)?.Publish(committed);

    private Task<long> AppendAsync(DbConnection connection, DbTransaction transaction, NewEvent newEvent, CancellationToken cancellationToken) =>
        InsertEventAsync(connection, transaction, NewEventRow(newEvent), cancellationToken);

    protected EventRow NewEventRow(NewEvent newEvent) => new()
    {
        ProjectId = newEvent.ProjectId,
        ItemKey = newEvent.ItemKey,
        Type = newEvent.Type,
        Actor = newEvent.Actor.ToString(),
        At = Now,
        Payload = newEvent.PayloadJson,
    };

    protected Task<long> AppendTransitionAsync(DbConnection connection, DbTransaction transaction, long projectId, Transition transition, object? details, CancellationToken cancellationToken) =>
        AppendAsync(connection, transaction, TransitionEvent(projectId, transition, details), cancellationToken);

    /// <summary>The event row recording <paramref name="transition"/>, with <paramref name="details"/> of the write that made it.</summary>
    protected EventRow TransitionEventRow(long projectId, Transition transition, object? details) =>
        NewEventRow(TransitionEvent(projectId, transition, details));

    private static NewEvent TransitionEvent(long projectId, Transition transition, object? details) =>
        new(projectId, transition.Key, EventTypes.ItemTransitioned, transition.Actor, StoreJson.WriteTransition(transition, details));

    private async Task<ItemWriteResult> ApplyTransitionAsync(
        DbConnection connection, DbTransaction transaction, WorkItem item, TransitionTarget target, string reason, Actor actor, object? details, CancellationToken cancellationToken)
    {
        var result = stateMachine.TryTransition(item, target, reason, actor);
        if (!result.Succeeded)
        {
            return ItemWriteResult.Refused(WriteFailure.TransitionRefused, result.Error!, result.AllowedTargets);
        }

        var saved = result.Item! with { Version = item.Version + 1, UpdatedAt = time.GetUtcNow() };
        var moved = TransitionEventRow(item.ProjectId, result.Transition!, details);
        return await UpdateStateAndAppendAsync(connection, transaction, item.Version, saved, moved, cancellationToken)
            ? ItemWriteResult.Success(saved)
            : ChangedConcurrently(item.Key);
    }

    private async Task<ItemWriteResult> SaveAsync(
        DbConnection connection, DbTransaction transaction, WorkItem before, WorkItem after, NewEvent newEvent, CancellationToken cancellationToken)
    {
        var saved = await UpdateContentAsync(connection, transaction, before.Version, after, cancellationToken);
        if (saved is null)
        {
            return ChangedConcurrently(before.Key);
        }

        await AppendAsync(connection, transaction, newEvent, cancellationToken);
        return ItemWriteResult.Success(saved);
    }

    /// <summary>Writes <paramref name="item"/>'s content if the row is still at <paramref name="expectedVersion"/>; null if it is not.</summary>
    private async Task<WorkItem?> UpdateContentAsync(
        DbConnection connection, DbTransaction transaction, long expectedVersion, WorkItem item, CancellationToken cancellationToken)
    {
        var saved = item with { Version = expectedVersion + 1, UpdatedAt = time.GetUtcNow() };
        var changed = await connection.ExecuteAsync(UpdateItemSql, UpdateArguments(saved, expectedVersion), transaction, cancellationToken);
        return changed == 1 ? saved : null;
    }

    /// <summary>The parameters of <see cref="UpdateItemSql"/> for writing <paramref name="saved"/> over <paramref name="expectedVersion"/>.</summary>
    private static DynamicParameters UpdateArguments(WorkItem saved, long expectedVersion)
    {
        var row = WorkItemRow.From(saved);
        return new DynamicParameters(new
        {
            row.Title, row.Description, row.AcceptanceCriteria, row.DefinitionOfDone, row.Kind, row.Tier, row.Priority, row.Parent,
            row.Dependencies, row.Context, row.Verification, row.Checklist, row.Version, row.UpdatedAt, row.Id, ExpectedVersion = expectedVersion,
        });
    }

    /// <summary>The parameters of <see cref="UpdateStateSql"/> for moving the item to <paramref name="saved"/>'s state.</summary>
    protected static DynamicParameters StateArguments(WorkItem saved, long expectedVersion) => new(new
    {
        saved.Stage,
        Status = saved.Status.ToString(),
        PausedFrom = saved.PausedFrom?.ToString(),
        saved.Attempts,
        LeaseOwner = saved.Lease?.Owner,
        LeaseExpiresAt = saved.Lease?.ExpiresAt.ToUnixTimeMilliseconds(),
        saved.Version,
        UpdatedAt = saved.UpdatedAt.ToUnixTimeMilliseconds(),
        saved.Id,
        ExpectedVersion = expectedVersion,
        NotBefore = saved.NotBefore?.ToUnixTimeMilliseconds(),
    });

    /// <summary>
    /// Moves the item to <paramref name="saved"/>'s state and appends <paramref name="newEvent"/> atomically, only if the row is
    /// still at <paramref name="expectedVersion"/>; false (and nothing written) if it is not.
    /// </summary>
    protected virtual Task<bool> WriteStateIfUnchangedAsync(long expectedVersion, WorkItem saved, EventRow newEvent, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => UpdateStateAndAppendAsync(connection, transaction, expectedVersion, saved, newEvent, cancellationToken), cancellationToken);

    private async Task<bool> UpdateStateAndAppendAsync(
        DbConnection connection, DbTransaction transaction, long expectedVersion, WorkItem saved, EventRow newEvent, CancellationToken cancellationToken)
    {
        var changed = await connection.ExecuteAsync(UpdateStateSql, StateArguments(saved, expectedVersion), transaction, cancellationToken);
        if (changed == 0)
        {
            return false;
        }

        await InsertEventAsync(connection, transaction, newEvent, cancellationToken);
        return true;
    }

    private async Task<WorkItem> InsertNewItemAsync(
        DbConnection connection, DbTransaction transaction, long projectId, string key, NewWorkItem spec, string defaultPipeline, Actor actor, CancellationToken cancellationToken)
    {
        var pipeline = stateMachine.Pipelines.Get(spec.Pipeline ?? defaultPipeline);
        var tier = spec.Tier is { } given ? new TierAssessment(given, "given") : ComplexityHeuristic.Infer(spec);
        var now = time.GetUtcNow();
        var draft = new WorkItem
        {
            Id = 0,
            ProjectId = projectId,
            Key = key,
            Title = spec.Title.Trim(),
            Description = spec.Description,
            AcceptanceCriteria = spec.AcceptanceCriteria.Where(c => !string.IsNullOrWhiteSpace(c)).ToList(),
            DefinitionOfDone = spec.DefinitionOfDone,
            Kind = spec.Kind,
            Tier = tier.Tier,
            Priority = spec.Priority,
            Parent = spec.Parent,
            Dependencies = spec.Dependencies.Distinct(StringComparer.Ordinal).ToList(),
            Context = spec.Context,
            Verification = spec.Verification,
            Checklist = spec.Checklist,
            Pipeline = pipeline.Name,
            Stage = pipeline.FirstStage.Name,
            Status = WorkStatus.Draft,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var ready = !spec.KeepAsDraft && DefinitionOfReady.Check(draft).Count == 0;
        var item = draft with { Status = ready ? WorkStatus.Ready : WorkStatus.Draft };
        var id = await connection.QuerySingleValueAsync<long>(InsertItemSql, WorkItemRow.From(item), transaction, cancellationToken);
        item = item with { Id = id };
        await AppendAsync(connection, transaction, new NewEvent(projectId, key, EventTypes.ItemCreated, actor, StoreJson.Write(new
        {
            item.Title, item.Stage, item.Status, item.Tier, tierReason = tier.Reason, item.Priority, item.Dependencies, item.Pipeline,
            unmet = ready ? null : DefinitionOfReady.Check(draft),
        })), cancellationToken);
        return item;
    }

    private string? ValidateNew(NewWorkItem item, string defaultPipeline, IReadOnlySet<string> existingKeys, string projectName)
    {
        var problems = item.Validate().ToList();
        var pipelineName = item.Pipeline ?? defaultPipeline;
        if (stateMachine.Pipelines.Find(pipelineName) is null)
        {
            problems.Add($"pipeline: {stateMachine.Pipelines.DescribeMissing(pipelineName)}");
        }

        problems.AddRange(item.Dependencies.Where(d => WorkItemRules.IsKey(d) && !existingKeys.Contains(d))
            .Select(d => $"depends-on: no item {d} in project {projectName}"));
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private async Task<string?> ValidateEditAsync(DbConnection connection, DbTransaction transaction, WorkItem edited, CancellationToken cancellationToken)
    {
        var asNew = new NewWorkItem
        {
            Title = edited.Title,
            Priority = edited.Priority,
            Dependencies = edited.Dependencies,
            Parent = edited.Parent,
            Verification = edited.Verification,
        };
        var problems = asNew.Validate().ToList();
        var existing = await ExistingKeysAsync(connection, transaction, edited.ProjectId, edited.Dependencies, cancellationToken);
        problems.AddRange(edited.Dependencies.Where(d => WorkItemRules.IsKey(d) && !existing.Contains(d)).Select(d => $"depends-on: no item {d}"));
        if (problems.Count == 0 && edited.Dependencies.Count > 0)
        {
            var graph = (await connection.QueryListAsync<(string Key, string Dependencies)>(
                    "SELECT key, dependencies FROM work_items WHERE project_id = @ProjectId", new { edited.ProjectId }, transaction, cancellationToken))
                .ToDictionary(r => r.Key, r => (IReadOnlyList<string>)StoreJson.Read<List<string>>(r.Dependencies), StringComparer.Ordinal);
            graph[edited.Key] = edited.Dependencies;
            if (DependencyGraph.FindCycle(graph) is { } cycle)
            {
                problems.Add($"depends-on: that would make a dependency cycle: {string.Join(" -> ", cycle)}");
            }
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private async Task<IReadOnlySet<string>> ExistingKeysAsync(
        DbConnection connection, DbTransaction transaction, long projectId, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var wanted = keys.Where(WorkItemRules.IsKey).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return new HashSet<string>();
        }

        var found = await connection.QueryListAsync<string>(
            $"SELECT key FROM work_items WHERE project_id = @ProjectId AND {In("key", "@Keys")}", new { ProjectId = projectId, Keys = wanted }, transaction, cancellationToken);
        return found.ToHashSet(StringComparer.Ordinal);
    }

    private async Task<WorkItem?> LoadItemAsync(DbConnection connection, DbTransaction? transaction, long projectId, string key, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrNullAsync<WorkItemRow>(
            $"SELECT {WorkItemRow.Columns} FROM work_items WHERE project_id = @ProjectId AND key = @Key{(transaction is null ? "" : LockRows)}",
            new { ProjectId = projectId, Key = key }, transaction, cancellationToken);
        return row?.ToItem();
    }

    private static Task<ProjectRow?> LoadProjectAsync(DbConnection connection, DbTransaction transaction, long projectId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrNullAsync<ProjectRow>(
            $"SELECT {ProjectRow.Columns} FROM projects WHERE id = @Id", new { Id = projectId }, transaction, cancellationToken);

    private static async Task<Project?> FindProjectAsync(DbConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrNullAsync<ProjectRow>(
            $"SELECT {ProjectRow.Columns} FROM projects WHERE name = @Name", new { Name = name }, transaction, cancellationToken))?.ToProject();

    private static ItemWriteResult NotFound(string key) => ItemWriteResult.Refused(WriteFailure.NotFound, $"no item {key}");

    private static ItemWriteResult ChangedConcurrently(string key) => ItemWriteResult.Refused(
        WriteFailure.StaleVersion, $"{key} was changed by someone else at the same moment: read it again and retry");

    private static ItemWriteResult Stale(WorkItem current, long expected) => ItemWriteResult.Refused(
        WriteFailure.StaleVersion,
        $"{current.Key} changed since it was read (it is at version {current.Version}, the change was made against {expected}): read it again and retry");
}
