namespace Wilson.Agents.Workspaces;

/// <summary>A commit on an item's branch that an agent step made: what an item can be rolled back to.</summary>
public sealed record Checkpoint(string Commit, string Message);
