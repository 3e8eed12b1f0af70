namespace Wilson.Core.Executions;

/// <summary>One step of an agent run: what the model said, the tools it called and what they returned.</summary>
public sealed record TranscriptStep(int Number, string ModelOutput, string ToolCallsJson, string ToolResultsJson, DateTimeOffset At);
