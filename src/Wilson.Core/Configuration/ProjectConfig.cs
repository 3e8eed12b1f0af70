namespace Wilson.Core.Configuration;

/// <summary>The settings of <c>.wilson/wilson.yaml</c> this part of Wilson reads.</summary>
public sealed record ProjectConfig
{
    public required string Name { get; init; }

    public string DefaultBranch { get; init; } = "main";

    public string Pipeline { get; init; } = "standard";

    /// <summary>The project's test command; empty when none is configured yet.</summary>
    public string TestCommand { get; init; } = "";

    /// <summary>A PostgreSQL connection string; null for the embedded SQLite file.</summary>
    public string? Database { get; init; }

    /// <summary>How long a worker's claim holds without a heartbeat.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs that may end without a result before the item is dead-lettered.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Where models run and which does what; empty when the file has no <c>models</c> section.</summary>
    public ModelsConfig Models { get; init; } = ModelsConfig.Empty;

    /// <summary>How agents' commands are limited and confined.</summary>
    public CommandsConfig Commands { get; init; } = CommandsConfig.Default;

    /// <summary>Who approves finished work, by its risk.</summary>
    public ApprovalsConfig Approvals { get; init; } = ApprovalsConfig.Default;

    /// <summary>What each role may do: its tools and the files it may write.</summary>
    public RolesConfig Roles { get; init; } = RolesConfig.Default;

    /// <summary>The bounds every plan stays within.</summary>
    public PlanningConfig Planning { get; init; } = PlanningConfig.Default;
}
