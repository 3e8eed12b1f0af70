namespace Wilson.Core.Executions;

/// <summary>An execution about to start; the store gives it its id and start time.</summary>
public sealed record NewExecution(long ProjectId, string ItemKey, string Stage, string Role, string Worker, string HandoffIn = "{}");
