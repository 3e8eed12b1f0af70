namespace Wilson.Core.Configuration;

/// <summary>The <c>commands</c> section of <c>wilson.yaml</c>: how agents' commands are limited and confined.</summary>
public sealed record CommandsConfig
{
    public static readonly CommandsConfig Default = new();

    /// <summary>Silence this long: a warning.</summary>
    public TimeSpan SilenceWarning { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Silence this long: the command's tree is killed.</summary>
    public TimeSpan SilenceKill { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a command may run.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Run commands under bubblewrap where it is installed (false: never).</summary>
    public bool Sandbox { get; init; } = true;

    /// <summary>Let sandboxed commands reach the network.</summary>
    public bool AllowNetwork { get; init; }

    /// <summary>More commands to refuse, as regular expressions, each with the reason the agent is told.</summary>
    public IReadOnlyList<RefusedCommand> Refuse { get; init; } = [];
}

/// <summary>A command pattern (a regular expression) and why it is refused.</summary>
public sealed record RefusedCommand(string Pattern, string Reason);
