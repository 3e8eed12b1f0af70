namespace Wilson.Core.Executions;

/// <summary>
/// One step of an agent run: what the model said, the tools it called (a JSON array of
/// <c>{name, arguments}</c>) and what they returned (a JSON array of strings, one per call).
/// </summary>
public sealed record TranscriptStep(int Number, string ModelOutput, string ToolCallsJson, string ToolResultsJson, DateTimeOffset At);
