namespace Wilson.Core.Workflow;

/// <summary>
/// A decision on an item waiting for approval: by a person, or by the policy for low-risk work. It holds
/// for the item as it was (<see cref="ItemVersion"/>): an item that moves on needs a new one.
/// </summary>
public sealed record Approval(long Id, long ProjectId, string ItemKey, long ItemVersion, string Stage, bool Approved, Actor DecidedBy, string Reason, DateTimeOffset At);
