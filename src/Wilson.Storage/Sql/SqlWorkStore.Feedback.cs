using System.Data.Common;
using Wilson.Core.Events;
using Wilson.Core.Workflow;

namespace Wilson.Storage.Sql;

/// <summary>Feedback: notes left for an item's next agent turn, each taken once.</summary>
internal abstract partial class SqlWorkStore
{
    public Task<Feedback> AddFeedbackAsync(long projectId, string itemKey, string text, Actor from, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("feedback needs some text", nameof(text));
        }

        return WriteAsync(async (connection, transaction) =>
        {
            await RequireItemAsync(connection, transaction, projectId, itemKey, cancellationToken);
            var at = Now;
            var id = await connection.QuerySingleValueAsync<long>(
                "INSERT INTO feedback (project_id, item_key, actor, text, at) VALUES (@ProjectId, @ItemKey, @Actor, @Text, @At) RETURNING id",
                new { ProjectId = projectId, ItemKey = itemKey, Actor = from.ToString(), Text = text, At = at }, transaction, cancellationToken);
            await AppendAsync(connection, transaction, new NewEvent(projectId, itemKey, EventTypes.ItemFeedback, from,
                StoreJson.Write(new { feedbackId = id, text })), cancellationToken);
            return new Feedback(id, projectId, itemKey, from, text, DateTimeOffset.FromUnixTimeMilliseconds(at));
        }, cancellationToken);
    }

    public Task<IReadOnlyList<Feedback>> TakeFeedbackAsync(long projectId, string itemKey, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<Feedback>>(async (connection, transaction) =>
        {
            var rows = await connection.QueryListAsync<FeedbackRow>(
                $"""
                SELECT id, actor, text, at FROM feedback
                WHERE project_id = @ProjectId AND item_key = @ItemKey AND delivered_at IS NULL
                ORDER BY id{LockRows}
                """,
                new { ProjectId = projectId, ItemKey = itemKey }, transaction, cancellationToken);
            if (rows.Count == 0)
            {
                return [];
            }

            var delivered = Now;
            await connection.ExecuteAsync(
                "UPDATE feedback SET delivered_at = @Delivered WHERE project_id = @ProjectId AND item_key = @ItemKey AND delivered_at IS NULL AND id <= @Last",
                new { Delivered = delivered, ProjectId = projectId, ItemKey = itemKey, Last = rows[^1].Id }, transaction, cancellationToken);
            return rows.Select(r => new Feedback(r.Id, projectId, itemKey, Actor.Parse(r.Actor), r.Text,
                DateTimeOffset.FromUnixTimeMilliseconds(r.At), DateTimeOffset.FromUnixTimeMilliseconds(delivered))).ToList();
        }, cancellationToken);

    private static async Task RequireItemAsync(DbConnection connection, DbTransaction transaction, long projectId, string itemKey, CancellationToken cancellationToken)
    {
        var exists = await connection.QuerySingleOrNullAsync<int?>(
            "SELECT 1 FROM work_items WHERE project_id = @ProjectId AND key = @Key", new { ProjectId = projectId, Key = itemKey }, transaction, cancellationToken);
        if (exists is null)
        {
            throw new InvalidOperationException($"there is no item {itemKey} in this project");
        }
    }

    private sealed class FeedbackRow
    {
        public long Id { get; set; }

        public string Actor { get; set; } = "";

        public string Text { get; set; } = "";

        public long At { get; set; }
    }
}
