namespace Wilson.Storage.Sql;

/// <summary>The sums of model_calls as Dapper reads them.</summary>
internal sealed class UsageRow
{
    public long Calls { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public long CostMicros { get; set; }
}
