namespace Wilson.Core.Workflow;

/// <summary>A note from a person, injected into the next agent turn on the item.</summary>
public sealed record Feedback(long ItemId, Actor From, string Text, DateTimeOffset At, DateTimeOffset? DeliveredAt = null);
