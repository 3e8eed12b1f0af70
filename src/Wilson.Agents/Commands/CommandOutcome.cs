namespace Wilson.Agents.Commands;

/// <summary>How a command ended.</summary>
public enum CommandOutcome
{
    /// <summary>It exited by itself; see the exit code.</summary>
    Exited,

    /// <summary>Refused before it ran (a destructive command, a directory outside the worktree).</summary>
    Refused,

    /// <summary>Killed after printing nothing for the silence limit.</summary>
    KilledSilent,

    /// <summary>Killed at its deadline.</summary>
    KilledDeadline,

    /// <summary>Killed because the caller cancelled.</summary>
    Cancelled,
}

/// <summary>What a command did: how it ended, its exit code, its output (head and tail) and how long it took.</summary>
public sealed record CommandResult(CommandOutcome Outcome, int? ExitCode, string Output, long OutputBytes, TimeSpan Duration, string? Reason = null)
{
    public bool Succeeded => Outcome == CommandOutcome.Exited && ExitCode == 0;
}
