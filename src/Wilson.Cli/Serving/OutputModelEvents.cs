using Wilson.Llm;

namespace Wilson.Cli.Serving;

/// <summary>Model events as lines of <c>wilson serve</c>'s log, until the hub shows them.</summary>
internal sealed class OutputModelEvents(CliOutput output) : IModelEventSink
{
    public void Publish(ModelEvent modelEvent) => output.WriteLine($"models: {modelEvent.Message}");
}
