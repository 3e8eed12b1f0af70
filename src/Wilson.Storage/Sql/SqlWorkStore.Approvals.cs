using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Storage.Sql;

/// <summary>Approvals: decisions on items waiting for approval, and the approved items the merge queue takes.</summary>
internal abstract partial class SqlWorkStore
{
    public Task<ApprovalResult> DecideApprovalAsync(long projectId, string itemKey, bool approved, string reason, Actor actor, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var row = await connection.QuerySingleOrNullAsync<WorkItemRow>(
                $"SELECT {WorkItemRow.Columns} FROM work_items WHERE project_id = @ProjectId AND key = @Key{LockRows}",
                new { ProjectId = projectId, Key = itemKey }, transaction, cancellationToken);
            if (row is null)
            {
                return ApprovalResult.Refused(WriteFailure.NotFound, $"there is no item {itemKey} in this project");
            }

            var item = row.ToItem();
            if (item.Status != WorkStatus.AwaitingApproval)
            {
                return ApprovalResult.Refused(WriteFailure.TransitionRefused,
                    $"{itemKey} is not awaiting approval: it is {item.Status} at {item.Stage}");
            }

            var at = Now;
            var id = await connection.QuerySingleValueAsync<long>(
                """
                INSERT INTO approvals (project_id, item_key, item_version, stage, approved, actor, reason, at)
                VALUES (@ProjectId, @ItemKey, @ItemVersion, @Stage, @Approved, @Actor, @Reason, @At) RETURNING id
                """,
                new { ProjectId = projectId, ItemKey = itemKey, ItemVersion = item.Version, item.Stage, Approved = approved, Actor = actor.ToString(), Reason = reason, At = at },
                transaction, cancellationToken);
            await AppendAsync(connection, transaction, new NewEvent(projectId, itemKey, approved ? EventTypes.ItemApproved : EventTypes.ItemRejected, actor,
                StoreJson.Write(new { approvalId = id, stage = item.Stage, reason })), cancellationToken);
            return ApprovalResult.Success(new Approval(id, projectId, itemKey, item.Version, item.Stage, approved, actor, reason, DateTimeOffset.FromUnixTimeMilliseconds(at)));
        }, cancellationToken);

    public Task<IReadOnlyList<WorkItem>> ListApprovedAsync(long projectId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<WorkItem>>(async connection =>
        {
            // The latest decision on the item as it stands must be an approval.
            var rows = await connection.QueryListAsync<WorkItemRow>(
                $"""
                SELECT {string.Join(", ", WorkItemRow.Columns.Split(", ").Select(c => "w." + c))}
                FROM work_items w
                JOIN approvals a ON a.project_id = w.project_id AND a.item_key = w.key AND a.item_version = w.version
                WHERE w.project_id = @ProjectId AND w.status = 'AwaitingApproval' AND a.approved = @Approved
                  AND a.id = (SELECT MAX(b.id) FROM approvals b WHERE b.project_id = w.project_id AND b.item_key = w.key AND b.item_version = w.version)
                ORDER BY a.id
                """,
                new { ProjectId = projectId, Approved = true }, null, cancellationToken);
            return rows.Select(r => r.ToItem()).ToList();
        }, cancellationToken);

    public Task<IReadOnlyList<WorkItem>> ListPendingApprovalsAsync(long projectId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<WorkItem>>(async connection =>
        {
            // A decision holds for the version it was made on (ix_approvals_item finds it); updated_at is when the item began waiting.
            var rows = await connection.QueryListAsync<WorkItemRow>(
                $"""
                SELECT {WorkItemRow.Columns} FROM work_items w
                WHERE w.project_id = @ProjectId AND w.status = 'AwaitingApproval'
                  AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.project_id = w.project_id AND a.item_key = w.key AND a.item_version = w.version)
                ORDER BY w.updated_at, w.id
                """,
                new { ProjectId = projectId }, null, cancellationToken);
            return rows.Select(r => r.ToItem()).ToList();
        }, cancellationToken);
}
