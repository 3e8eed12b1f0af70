namespace Wilson.Core.Executions;

/// <summary>How an execution ended and what it hands on; the store adds the end time, tokens and cost.</summary>
public sealed record ExecutionEnd(ExecutionResult Result, string Summary)
{
    /// <summary>JSON for the next stage.</summary>
    public string HandoffOut { get; init; } = "{}";

    /// <summary>JSON of the verification report, when verification ran.</summary>
    public string? VerificationReport { get; init; }

    /// <summary>The model that answered (the last one, if a fallback took over).</summary>
    public string? Model { get; init; }

    public bool Fallback { get; init; }
}
