namespace Wilson.Core.Usage;

/// <summary>One call to a model, as the usage ledger records it.</summary>
public sealed record ModelCall
{
    /// <summary>The project the call worked for; null for calls outside any project.</summary>
    public long? ProjectId { get; init; }

    /// <summary>The item the call worked on, if any.</summary>
    public string? ItemKey { get; init; }

    /// <summary>The execution (one agent run) the call belonged to, if any.</summary>
    public long? ExecutionId { get; init; }

    public required string Purpose { get; init; }

    public required string Model { get; init; }

    public required string Endpoint { get; init; }

    public long InputTokens { get; init; }

    public long OutputTokens { get; init; }

    /// <summary>Estimated cost in millionths of the budget's currency (exact sums, no floating point).</summary>
    public long CostMicros { get; init; }

    /// <summary>From sending the request to the first chunk; null when no chunk came.</summary>
    public TimeSpan? TimeToFirstToken { get; init; }

    public TimeSpan Duration { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>True when the call went to a fallback model.</summary>
    public bool Fallback { get; init; }

    /// <summary><c>ok</c>, or the failure's kind (<c>RateLimited</c>, <c>Timeout</c>...).</summary>
    public string Outcome { get; init; } = "ok";
}
