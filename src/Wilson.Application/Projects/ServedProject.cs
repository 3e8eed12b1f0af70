using Wilson.Core.Configuration;
using Wilson.Core.Pipelines;
using Wilson.Core.Projects;

namespace Wilson.Application.Projects;

/// <summary>A project a host serves: its registration in the store, the repository it works in, its settings and pipelines.</summary>
/// <param name="Project">The project as the store has it.</param>
/// <param name="Root">The repository's root directory (where <c>.wilson/</c> is).</param>
/// <param name="Config">Its <c>.wilson/wilson.yaml</c>.</param>
/// <param name="Pipelines">Its pipelines: the built-in ones and those in <c>.wilson/pipelines/</c>.</param>
public sealed record ServedProject(Project Project, string Root, ProjectConfig Config, PipelineCatalog Pipelines);
