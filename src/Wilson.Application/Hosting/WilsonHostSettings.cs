using Wilson.Application.Projects;
using Wilson.Core.Storage;
using Wilson.Llm;

namespace Wilson.Application.Hosting;

/// <summary>What one Wilson host is made of: its store, the projects it serves, and the machine's models.</summary>
public sealed record WilsonHostSettings
{
    /// <summary>The open store; the caller disposes it after the host.</summary>
    public required IWorkStore Store { get; init; }

    public required IReadOnlyList<ServedProject> Projects { get; init; }

    /// <summary>The machine's models; null when none are configured (then only the lease sweep runs).</summary>
    public ModelCatalog? Models { get; init; }

    /// <summary>Also told of every model event (the terminal); they go to the projects' event logs regardless.</summary>
    public IModelEventSink? ModelEvents { get; init; }

    /// <summary>Reads an environment variable (API keys for the model endpoints).</summary>
    public required Func<string, string?> Variable { get; init; }

    public ProjectServiceOptions ProjectOptions { get; init; } = new();

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
