namespace Wilson.Core.Usage;

/// <summary>Calls, tokens and cost summed over a <see cref="UsageScope"/>.</summary>
public sealed record UsageTotals(long Calls, long InputTokens, long OutputTokens, long CostMicros)
{
    public static readonly UsageTotals None = new(0, 0, 0, 0);

    public long Tokens => InputTokens + OutputTokens;

    public decimal Cost => CostMicros / 1_000_000m;
}
