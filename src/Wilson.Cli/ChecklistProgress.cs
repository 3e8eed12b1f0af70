namespace Wilson.Cli;

/// <summary>An item's checklist progress as it appears in JSON output.</summary>
internal sealed record ChecklistProgress(int Done, int Total);
