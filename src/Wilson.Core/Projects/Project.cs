namespace Wilson.Core.Projects;

/// <summary>A git repository Wilson works in.</summary>
public sealed record Project
{
    public required long Id { get; init; }

    /// <summary>Unique name; several projects may share one PostgreSQL database.</summary>
    public required string Name { get; init; }

    /// <summary>Absolute path of the repository's working tree.</summary>
    public required string RootPath { get; init; }

    public string DefaultBranch { get; init; } = "main";

    /// <summary>The pipeline new items use unless they name another.</summary>
    public string DefaultPipeline { get; init; } = "standard";

    /// <summary>When true, no item of the project is claimed.</summary>
    public bool Paused { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
