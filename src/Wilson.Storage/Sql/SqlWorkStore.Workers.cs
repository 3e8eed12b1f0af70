using System.Data.Common;
using Wilson.Core.Workers;

namespace Wilson.Storage.Sql;

/// <summary>
/// Live worker status: a row per running worker, replaced on each step and heartbeat. These writes append no event and
/// wake no watcher: the status is read when a view asks, and the events already say what changed.
/// </summary>
internal abstract partial class SqlWorkStore
{
    public Task SaveWorkerAsync(WorkerStatus status, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(status.Worker);
        return RunInWriteTransactionAsync((connection, transaction) => connection.ExecuteAsync(
            """
            INSERT INTO workers (name, machine, project_id, item_key, stage, role, model, step, started_at, progress_at, updated_at, paused_by, paused_at)
            VALUES (@Name, @Machine, @ProjectId, @ItemKey, @Stage, @Role, @Model, @Step, @StartedAt, @ProgressAt, @UpdatedAt, @PausedBy, @PausedAt)
            ON CONFLICT (name) DO UPDATE SET
                machine = excluded.machine, project_id = excluded.project_id, item_key = excluded.item_key, stage = excluded.stage,
                role = excluded.role, model = excluded.model, step = excluded.step, started_at = excluded.started_at,
                progress_at = excluded.progress_at, updated_at = excluded.updated_at, paused_by = excluded.paused_by, paused_at = excluded.paused_at
            """,
            new
            {
                Name = status.Worker, status.Machine, status.ProjectId, status.ItemKey, status.Stage, status.Role, status.Model, Step = (long)status.Step,
                StartedAt = status.StartedAt.ToUnixTimeMilliseconds(), ProgressAt = status.LastProgressAt.ToUnixTimeMilliseconds(), UpdatedAt = Now,
                PausedBy = status.PausedBy?.ToString(), PausedAt = status.PausedAt?.ToUnixTimeMilliseconds(),
            }, transaction, cancellationToken), cancellationToken);
    }

    public Task RemoveWorkerAsync(string worker, CancellationToken cancellationToken) =>
        RunInWriteTransactionAsync((connection, transaction) =>
            connection.ExecuteAsync("DELETE FROM workers WHERE name = @Name", new { Name = worker }, transaction, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<WorkerStatus>> ListWorkersAsync(long? projectId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<WorkerStatus>>(async connection =>
        {
            var rows = await connection.QueryListAsync<WorkerRow>(
                projectId is null
                    ? $"SELECT {WorkerRow.Columns} FROM workers ORDER BY project_id, item_key, name"
                    : $"SELECT {WorkerRow.Columns} FROM workers WHERE project_id = @ProjectId ORDER BY item_key, name",
                new { ProjectId = projectId }, null, cancellationToken);
            return rows.Select(r => r.ToStatus()).ToList();
        }, cancellationToken);

    // The rows of workers that no longer hold a running item: their process died (its item's lease was swept, or a
    // person moved the item while nobody ran it). A live worker's item is Running under its name from claim to end.
    private static Task<int> RemoveDeadWorkersAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(
            """
            DELETE FROM workers WHERE NOT EXISTS (
                SELECT 1 FROM work_items i
                WHERE i.project_id = workers.project_id AND i.key = workers.item_key AND i.status = 'Running' AND i.lease_owner = workers.name)
            """, null, transaction, cancellationToken);
}
