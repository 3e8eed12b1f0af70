using Wilson.Application.Projects;
using Wilson.Core.Storage;

namespace Wilson.Application.Hosting;

/// <summary>How a host serves its projects.</summary>
public sealed record ProjectServiceOptions
{
    /// <summary>How many agents of a project may run at once (each holds a model while it runs).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>The environment commands start from.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Told what each lease sweep moved, beside the log (a terminal shows it).</summary>
    public Action<ServedProject, SweepResult>? OnSwept { get; init; }
}
