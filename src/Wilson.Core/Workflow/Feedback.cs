namespace Wilson.Core.Workflow;

/// <summary>
/// A note for the agent working on an item, from a person (or from a reviewer requesting changes):
/// handed to the next agent turn on the item, once. <see cref="DeliveredAt"/> is null until then.
/// </summary>
public sealed record Feedback(long Id, long ProjectId, string ItemKey, Actor From, string Text, DateTimeOffset At, DateTimeOffset? DeliveredAt = null);
