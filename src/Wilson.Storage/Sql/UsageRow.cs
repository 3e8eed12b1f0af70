using Wilson.Core.Usage;

namespace Wilson.Storage.Sql;

/// <summary>The sums of model_calls as Dapper reads them; <see cref="ItemKey"/> only when grouped by item.</summary>
internal sealed class UsageRow
{
    /// <summary>The select list of the sums, named as this row's properties.</summary>
    public const string Sums = """
        COUNT(*) AS Calls, COALESCE(SUM(input_tokens), 0) AS InputTokens, COALESCE(SUM(output_tokens), 0) AS OutputTokens,
            COALESCE(SUM(cost_micros), 0) AS CostMicros
        """;

    public string? ItemKey { get; set; }

    public long Calls { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public long CostMicros { get; set; }

    public UsageTotals ToTotals() => new(Calls, InputTokens, OutputTokens, CostMicros);
}
