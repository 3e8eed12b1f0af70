using Wilson.Core.Workflow;

namespace Wilson.Core.Events;

/// <summary>An event to append; the store gives it its sequence and time.</summary>
public sealed record NewEvent(long ProjectId, string? ItemKey, string Type, Actor Actor, string PayloadJson = "{}");
