using System.Text.Json;
using System.Threading.Channels;
using Wilson.Core.Events;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Llm;
using Wilson.Llm.Routing;

namespace Wilson.Application.Models;

/// <summary>
/// Writes what happens to the models (an endpoint up or down, a model loaded, unloaded or failing to load, a call
/// queued at capacity, a fall-back to the next model, a budget that held a call) into the event log of every project
/// the host serves, so the board and chat can show them; each is passed on to the next sink too (the
/// console). The models are the machine's, not a project's: each served project gets the event. Routing decisions,
/// one per call, stay out of the log: the usage ledger has every call.
/// </summary>
/// <remarks>Publishing never blocks a model call: events queue, and one writer appends them in order.</remarks>
public sealed class ModelEventLog : IModelEventSink, IAsyncDisposable
{
    // Far more than an endpoint flapping writes; past it the oldest wait is dropped rather than memory grown.
    private const int Capacity = 10_000;

    private readonly IWorkStore _store;
    private readonly Func<IReadOnlyCollection<long>> _projects;
    private readonly IModelEventSink? _next;
    private readonly Channel<ModelEvent> _queue =
        Channel.CreateBounded<ModelEvent>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Task _writer;

    /// <param name="store">Where the events are appended.</param>
    /// <param name="projects">The ids of the projects served now (read at each event: a project added later gets the next).</param>
    /// <param name="next">Also told of every event, the routing decisions included; null for none.</param>
    public ModelEventLog(IWorkStore store, Func<IReadOnlyCollection<long>> projects, IModelEventSink? next = null)
    {
        _store = store;
        _projects = projects;
        _next = next;
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Model event types written to the log: all but <see cref="RoutedChatClient.RoutedEvent"/>.</summary>
    public static bool IsLogged(string type) => type != RoutedChatClient.RoutedEvent;

    public void Publish(ModelEvent modelEvent)
    {
        _next?.Publish(modelEvent);
        if (IsLogged(modelEvent.Type))
        {
            _queue.Writer.TryWrite(modelEvent);
        }
    }

    /// <summary>Writes what is queued, then stops; a store that failed surfaces here.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteAsync()
    {
        await foreach (var modelEvent in _queue.Reader.ReadAllAsync())
        {
            var payload = JsonSerializer.Serialize(new { message = modelEvent.Message, endpoint = modelEvent.Endpoint, model = modelEvent.Model });
            foreach (var project in _projects())
            {
                await _store.AppendEventAsync(new NewEvent(project, null, modelEvent.Type, Actor.System, payload), CancellationToken.None);
            }
        }
    }
}
