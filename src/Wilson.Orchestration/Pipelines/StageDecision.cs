using Wilson.Core.Workflow;

namespace Wilson.Orchestration.Pipelines;

/// <summary>What a stage's result does to its item.</summary>
public enum StageDecisionKind
{
    /// <summary>Passed: on to the next working stage.</summary>
    Advance,

    /// <summary>Passed and finished (or at an approval gate): waits for approval, then the merge.</summary>
    AwaitApproval,

    /// <summary>Failed: back to the stage the pipeline names, with the failure as feedback.</summary>
    Retry,

    /// <summary>Needs a person: the agent's question, or failures beyond what retries and a stronger model could fix.</summary>
    Block,
}

/// <summary>
/// The engine's decision on a stage result: the transition to make and why, the feedback the next agent
/// gets, how long to wait before the next attempt, and whether it runs on a stronger model.
/// </summary>
public sealed record StageDecision(StageDecisionKind Kind, TransitionTarget Target, string Reason)
{
    public string? Feedback { get; init; }

    public TimeSpan Backoff { get; init; }

    public bool Escalate { get; init; }
}
