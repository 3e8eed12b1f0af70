namespace Wilson.Cli.Commands;

/// <summary>What <c>wilson init --json</c> reports; only <see cref="Root"/> is set when the project already existed.</summary>
internal sealed record InitResult
{
    public required string Root { get; init; }

    public bool AlreadyInitialised { get; init; }

    public string? Name { get; init; }

    public string? DefaultBranch { get; init; }

    public string? Pipeline { get; init; }

    /// <summary>The machine profile whose models section was written.</summary>
    public string? Profile { get; init; }

    /// <summary>True when the profile was chosen from the machine's memory rather than given.</summary>
    public bool ProfileDetected { get; init; }

    /// <summary>Where the data lives, as <c>DatabaseLocation.Describe()</c> says it: never with a password.</summary>
    public string? Database { get; init; }

    /// <summary>True when the database is the embedded <c>.wilson/wilson.db</c> every command finds by itself.</summary>
    public bool DatabaseIsDefault { get; init; }

    public bool GitInitialised { get; init; }

    /// <summary>Files created, relative to the root.</summary>
    public IReadOnlyList<string> Created { get; init; } = [];
}
