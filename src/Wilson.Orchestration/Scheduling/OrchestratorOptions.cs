using Wilson.Core.Items;
using Wilson.Orchestration.Pipelines;

namespace Wilson.Orchestration.Scheduling;

/// <summary>How many workers, how leases are held, and how failures are retried.</summary>
public sealed record OrchestratorOptions
{
    /// <summary>Executions at once (at most; each holds a model while it runs).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>How long a claim holds without a heartbeat; a crashed worker's item is free again after this.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a running worker renews its lease.</summary>
    public TimeSpan Heartbeat => LeaseDuration / 3;

    /// <summary>Lease expiries (crashes) an item may have before it goes to the dead letter.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The slow safety sweep: expired leases, items whose wait has passed, a missed wake-up.</summary>
    public TimeSpan SafetyInterval { get; init; } = TimeSpan.FromSeconds(5);

    public RetryPolicy Retry { get; init; } = new();

    /// <summary>Asked before each claim: null lets work start, a reason holds it (a spent budget, say).</summary>
    public Func<CancellationToken, Task<string?>>? StartGate { get; init; }

    /// <summary>Told, in the worker, right after a stage's result was committed: the item as it now is, the stage that ran, and the decision (live views, measurements).</summary>
    public Action<WorkItem, string, StageDecision>? OnStageCommitted { get; init; }
}
