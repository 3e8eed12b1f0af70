namespace Wilson.Core.Executions;

/// <summary>One run of one agent on one item at one stage.</summary>
public sealed record Execution
{
    public required long Id { get; init; }

    public required long ProjectId { get; init; }

    public required string ItemKey { get; init; }

    public required string Stage { get; init; }

    public required string Role { get; init; }

    public required string Worker { get; init; }

    public string? Model { get; init; }

    /// <summary>True when the run used a fallback model because the routed one was down.</summary>
    public bool Fallback { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Null while running.</summary>
    public ExecutionResult? Result { get; init; }

    public string Summary { get; init; } = "";

    /// <summary>JSON handed over by the previous stage.</summary>
    public string HandoffIn { get; init; } = "{}";

    /// <summary>JSON handed on to the next stage.</summary>
    public string HandoffOut { get; init; } = "{}";

    /// <summary>JSON of the mechanical verification report, if verification ran.</summary>
    public string? VerificationReport { get; init; }

    /// <summary>The tokens and cost of the run's model calls, summed when it finished.</summary>
    public long TokensIn { get; init; }

    public long TokensOut { get; init; }

    /// <summary>Estimated cost in the budget's currency.</summary>
    public decimal Cost { get; init; }

    /// <summary>The steps, in order; empty when the execution was listed rather than read.</summary>
    public IReadOnlyList<TranscriptStep> Transcript { get; init; } = [];
}
