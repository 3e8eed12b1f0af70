namespace Wilson.Core.Workflow;

/// <summary>A person's (or the policy's) decision on an item waiting at a gate.</summary>
public sealed record Approval(long ItemId, string Stage, bool Approved, Actor DecidedBy, string Reason, DateTimeOffset At);
