using Wilson.Application.Models;
using Wilson.Cli.Projects;
using Wilson.Llm;

namespace Wilson.Cli.Serving;

/// <summary>
/// Model events as lines of the terminal's log; not the routing decision of every call, which would drown the rest
/// (the host logs them, and <c>wilson models</c> shows where each purpose goes).
/// </summary>
internal sealed class OutputModelEvents(CliOutput output) : IModelEventSink
{
    public void Publish(ModelEvent modelEvent)
    {
        if (modelEvent.Type != Llm.Routing.RoutedChatClient.RoutedEvent)
        {
            output.WriteLine($"models: {modelEvent.Message}");
        }
    }

    /// <summary>Model events into the project's event log (for the board and chat), and to the terminal.</summary>
    public static ModelEventLog Logged(CliContext cli, ProjectContext project) =>
        new(project.Store, () => [project.Project.Id], new OutputModelEvents(cli.Output));
}
