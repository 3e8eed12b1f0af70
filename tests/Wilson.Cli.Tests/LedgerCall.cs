namespace Wilson.Cli.Tests;

/// <summary>One model call as the usage ledger has it.</summary>
internal sealed record LedgerCall(long Id, string? ItemKey, long? ExecutionId, long InputTokens, long OutputTokens, string Outcome)
{
    public long Tokens => InputTokens + OutputTokens;
}
