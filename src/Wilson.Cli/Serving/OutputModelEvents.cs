using Wilson.Application.Models;
using Wilson.Cli.Projects;
using Wilson.Llm;

namespace Wilson.Cli.Serving;

/// <summary>Model events as lines of the terminal's log.</summary>
internal sealed class OutputModelEvents(CliOutput output) : IModelEventSink
{
    public void Publish(ModelEvent modelEvent) => output.WriteLine($"models: {modelEvent.Message}");

    /// <summary>Model events into the project's event log (for the board and chat), and to the terminal.</summary>
    public static ModelEventLog Logged(CliContext cli, ProjectContext project) =>
        new(project.Store, () => [project.Project.Id], new OutputModelEvents(cli.Output));
}
