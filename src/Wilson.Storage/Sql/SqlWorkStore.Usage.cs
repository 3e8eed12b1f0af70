using System.Data.Common;
using System.Globalization;
using Wilson.Core.Usage;

namespace Wilson.Storage.Sql;

/// <summary>The usage ledger: every model call, and its sums per scope and per item for the reports and budgets.</summary>
internal abstract partial class SqlWorkStore
{
    public Task RecordModelCallAsync(ModelCall modelCall, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => connection.ExecuteAsync(
            """
            INSERT INTO model_calls (project_id, item_key, execution_id, purpose, model, endpoint, input_tokens, output_tokens,
                cost_micros, first_token_ms, duration_ms, at, day, fallback, outcome)
            VALUES (@ProjectId, @ItemKey, @ExecutionId, @Purpose, @Model, @Endpoint, @InputTokens, @OutputTokens,
                @CostMicros, @FirstTokenMs, @DurationMs, @At, @Day, @Fallback, @Outcome)
            """,
            new
            {
                modelCall.ProjectId, modelCall.ItemKey, modelCall.ExecutionId, modelCall.Purpose, modelCall.Model, modelCall.Endpoint, modelCall.InputTokens, modelCall.OutputTokens,
                modelCall.CostMicros,
                FirstTokenMs = (long?)modelCall.TimeToFirstToken?.TotalMilliseconds,
                DurationMs = (long)modelCall.Duration.TotalMilliseconds,
                At = modelCall.At.ToUnixTimeMilliseconds(),
                Day = UsageDay(DateOnly.FromDateTime(modelCall.At.UtcDateTime)),
                modelCall.Fallback,
                modelCall.Outcome,
            }, transaction, cancellationToken), cancellationToken);

    public Task<UsageTotals> GetUsageAsync(UsageScope scope, CancellationToken cancellationToken) =>
        ReadAsync(connection => SumUsageAsync(connection, null, scope, cancellationToken), cancellationToken);

    public Task<IReadOnlyDictionary<string, UsageTotals>> GetUsageByItemAsync(
        long projectId, IReadOnlyCollection<string>? itemKeys, CancellationToken cancellationToken)
    {
        if (itemKeys is { Count: 0 })
        {
            return Task.FromResult<IReadOnlyDictionary<string, UsageTotals>>(new Dictionary<string, UsageTotals>(StringComparer.Ordinal));
        }

        var where = new SqlConditions();
        where.Equal("project_id", "ProjectId", projectId);
        where.Add(itemKeys is null
            ? "item_key IS NOT NULL"
            : In("item_key", where.Bind("Keys", itemKeys.Distinct(StringComparer.Ordinal).ToList())));
        return ReadAsync<IReadOnlyDictionary<string, UsageTotals>>(async connection =>
        {
            // One pass over ix_model_calls_item (project_id, item_key), grouped as it goes.
            var rows = await connection.QueryListAsync<UsageRow>(
                $"SELECT item_key AS ItemKey, {UsageRow.Sums} FROM model_calls{where.Where} GROUP BY item_key",
                where.Parameters, null, cancellationToken);
            return rows.ToDictionary(r => r.ItemKey!, r => r.ToTotals(), StringComparer.Ordinal);
        }, cancellationToken);
    }

    private static async Task<UsageTotals> SumUsageAsync(DbConnection connection, DbTransaction? transaction, UsageScope scope, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleValueAsync<UsageRow>(
            $"""
            SELECT {UsageRow.Sums}
            FROM model_calls
            WHERE (@ProjectId IS NULL OR project_id = @ProjectId) AND (@ItemKey IS NULL OR item_key = @ItemKey)
              AND (@ExecutionId IS NULL OR execution_id = @ExecutionId) AND (@Day IS NULL OR day = @Day)
            """,
            new { scope.ProjectId, scope.ItemKey, scope.ExecutionId, Day = scope.Day is { } day ? UsageDay(day) : null },
            transaction, cancellationToken);
        return row.ToTotals();
    }

    private static string UsageDay(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
