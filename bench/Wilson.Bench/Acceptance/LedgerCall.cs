namespace Wilson.Bench.Acceptance;

/// <summary>One row of the usage ledger (model_calls): times are Unix milliseconds, <see cref="At"/> is when the call was sent.</summary>
internal sealed record LedgerCall(
    string? ItemKey,
    long? ExecutionId,
    string Model,
    long InputTokens,
    long OutputTokens,
    long? FirstTokenMs,
    long DurationMs,
    long At,
    string Outcome)
{
    public long EndsAt => At + DurationMs;
}
