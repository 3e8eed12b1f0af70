namespace Wilson.Core.Pipelines;

/// <summary>Whether a stage waits for a decision before the item goes on.</summary>
public enum StageGate
{
    None,

    /// <summary>The item waits in AwaitingApproval until approved (policy decides who).</summary>
    Approval,
}
