using Wilson.Core.Items;

namespace Wilson.Bench.Acceptance;

/// <summary>
/// What one item of an acceptance run cost: its time cut into model, commands, waiting and the rest (Wilson's
/// own overhead), its tokens, turns and runs, and how it ended. Times are milliseconds; the sets are kept so
/// a total over several items counts shared moments once.
/// </summary>
internal sealed record ItemFigures
{
    public required WorkItem Item { get; init; }

    /// <summary>From the item's first claim to its last transition (its last event when it never settled); empty when it never ran.</summary>
    public required TimeSet Wall { get; init; }

    /// <summary>Model calls, from sending to the last chunk (the ledger's duration), within the wall.</summary>
    public required TimeSet Model { get; init; }

    /// <summary>Commands and tests (run_command, run_tests, verification, the merge with its tests), within the wall and not in a model call.</summary>
    public required TimeSet Commands { get; init; }

    /// <summary>Ready, Paused or Blocked, or awaiting an approval not yet given (a wait before a retry, for a worker or for a person), within the wall.</summary>
    public required TimeSet Waiting { get; init; }

    /// <summary>Every wait of the item, from its creation on (not cut to its wall): a total over items counts a wait before a claim too.</summary>
    public required TimeSet Waits { get; init; }

    /// <summary>When the item was running a stage or being merged (the wall less its waits).</summary>
    public required TimeSet Busy { get; init; }

    public long InputTokens { get; init; }

    public long OutputTokens { get; init; }

    /// <summary>The executions' own token sums (written when each closed), to check the ledger against.</summary>
    public long ExecutionInputTokens { get; init; }

    public long ExecutionOutputTokens { get; init; }

    public int Calls { get; init; }

    /// <summary>Calls that ended with an error (the ledger's outcome is not <c>ok</c>).</summary>
    public int FailedCalls { get; init; }

    /// <summary>Steps of the transcripts: model turns that came back and were acted on.</summary>
    public int Turns { get; init; }

    /// <summary>Executions: one agent (or mechanical check) at one stage.</summary>
    public int Runs { get; init; }

    /// <summary>Executions of a stage the item had already run (after a failure, a send-back, a restart).</summary>
    public int Retries { get; init; }

    /// <summary>Verify-and-fix attempts after the first, within developer runs.</summary>
    public int FixAttempts { get; init; }

    /// <summary>Executions never closed.</summary>
    public int OpenExecutions { get; init; }

    public LedgerCall? LongestCall { get; init; }

    /// <summary>The reason of the item's last transition: for a blocked or failed item, what a person is told.</summary>
    public string LastReason { get; init; } = "";

    /// <summary>True when an item.merged event says it was merged.</summary>
    public bool Merged { get; init; }

    /// <summary>True when it was approved and the approval is the last word (not yet merged).</summary>
    public bool ApprovedSinceLastWait { get; init; }

    public IReadOnlyList<LedgerCall> CallRows { get; init; } = [];

    public long WallMs => Wall.Milliseconds;

    public long ModelMs => Model.Milliseconds;

    public long CommandsMs => Commands.Milliseconds;

    public long WaitingMs => Waiting.Milliseconds;

    public long OverheadMs => WallMs - ModelMs - CommandsMs - WaitingMs;

    /// <summary>Nothing left to do without a person: done, blocked, failed, cancelled, a draft, or awaiting an approval only a person gives.</summary>
    public bool Settled => Item.Status switch
    {
        WorkStatus.Done or WorkStatus.Blocked or WorkStatus.Failed or WorkStatus.Cancelled or WorkStatus.Draft => true,
        WorkStatus.AwaitingApproval => !ApprovedSinceLastWait,
        _ => false,
    };
}
