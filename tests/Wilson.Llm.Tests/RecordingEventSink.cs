using System.Collections.Concurrent;

namespace Wilson.Llm.Tests;

/// <summary>Keeps every model event for assertions.</summary>
internal sealed class RecordingEventSink : IModelEventSink
{
    private readonly ConcurrentQueue<ModelEvent> _events = new();

    public IReadOnlyList<ModelEvent> Events => [.. _events];

    public void Publish(ModelEvent modelEvent) => _events.Enqueue(modelEvent);

    public IReadOnlyList<ModelEvent> OfType(string type) => [.. _events.Where(e => e.Type == type)];
}
