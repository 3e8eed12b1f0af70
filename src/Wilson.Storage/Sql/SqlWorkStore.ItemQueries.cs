using Wilson.Core.Storage;

namespace Wilson.Storage.Sql;

/// <summary>
/// Listing items for a board or an API: filters, order and a page, with the total. The project's rows are read
/// through (project_id, key) or, for a parent's children, ix_work_items_parent; there is deliberately no index
/// on status or stage (every transition would update it), so those filters read the project's rows.
/// </summary>
internal abstract partial class SqlWorkStore
{
    public Task<ItemPage> ListItemsAsync(long projectId, ItemQuery query, CancellationToken cancellationToken)
    {
        var where = ItemConditions(projectId, query);
        if (where.MatchesNothing)
        {
            return Task.FromResult(ItemPage.Empty);
        }

        return ReadAsync(async connection =>
        {
            var rows = await connection.QueryListAsync<WorkItemRow>(
                $"SELECT {WorkItemRow.Columns} FROM work_items{where.Where} ORDER BY {OrderBy(query)} LIMIT @Limit OFFSET @Offset",
                where.With(new { query.Limit, query.Offset }), null, cancellationToken);
            var total = TotalFromPage(query, rows.Count)
                ?? (int)await connection.QuerySingleValueAsync<long>($"SELECT COUNT(*) FROM work_items{where.Where}", where.Parameters, null, cancellationToken);
            return new ItemPage([.. rows.Select(r => r.ToItem())], total);
        }, cancellationToken);
    }

    private SqlConditions ItemConditions(long projectId, ItemQuery query)
    {
        var where = new SqlConditions();
        where.Equal("project_id", "ProjectId", projectId);
        if (query.Statuses is { } statuses)
        {
            if (statuses.Count == 0)
            {
                where.Never();
            }
            else
            {
                where.Add(In("status", where.Bind("Statuses", statuses.Distinct().Select(s => s.ToString()).ToList())));
            }
        }

        where.Equal("stage", "Stage", query.Stage);
        where.Equal("kind", "Kind", query.Kind?.ToString());
        where.Equal("parent", "Parent", query.Parent);
        if (!string.IsNullOrEmpty(query.Text))
        {
            var text = where.Bind("Text", LikePattern.Containing(query.Text));
            where.Add(LikeAny(("key", text), ("title", text), ("description", text)));
        }

        return where;
    }

    // Every order ends with id, unique, so a row is on exactly one page however many share a priority or a time.
    private static string OrderBy(ItemQuery query)
    {
        var direction = query.Descending ? " DESC" : "";
        var columns = query.Order switch
        {
            ItemOrder.Key => new[] { "id" },
            ItemOrder.Priority => ["priority", "id"],
            ItemOrder.Updated => ["updated_at", "id"],
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Order, "no such item order"),
        };
        return string.Join(", ", columns.Select(c => c + direction));
    }

    /// <summary>The total when the page tells it (a last page, or nothing at all from the start); null when it must be counted.</summary>
    private static int? TotalFromPage(ItemQuery query, int read) =>
        (read, query.Offset) switch
        {
            (0, 0) => 0,
            _ when read > 0 && read < query.Limit => query.Offset + read,
            _ => null,
        };
}
