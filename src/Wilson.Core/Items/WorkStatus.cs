namespace Wilson.Core.Items;

/// <summary>What is happening to a work item, independent of the stage it is in.</summary>
public enum WorkStatus
{
    Draft,
    Ready,
    Running,
    AwaitingApproval,
    Blocked,
    Paused,
    Failed,
    Done,
    Cancelled,
}
