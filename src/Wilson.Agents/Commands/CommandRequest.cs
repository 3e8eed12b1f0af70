namespace Wilson.Agents.Commands;

/// <summary>One command to run: a shell command line, where, and its limits.</summary>
public sealed record CommandRequest
{
    /// <summary>The command line, run by <c>sh -c</c>.</summary>
    public required string Command { get; init; }

    /// <summary>Where it runs: the worktree, or a directory inside it.</summary>
    public required string WorkingDirectory { get; init; }

    public CommandLimits Limits { get; init; } = new();
}

/// <summary>How long a command may stay silent, and run at all, and how much of its output is kept.</summary>
public sealed record CommandLimits
{
    /// <summary>Silence this long: a warning (the command keeps running).</summary>
    public TimeSpan SilenceWarning { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Silence this long: the command's whole tree is killed.</summary>
    public TimeSpan SilenceKill { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a command may run, output or not.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Bytes kept from the start of the output.</summary>
    public int HeadBytes { get; init; } = 16 * 1024;

    /// <summary>Bytes kept from the end of the output.</summary>
    public int TailBytes { get; init; } = 48 * 1024;
}
