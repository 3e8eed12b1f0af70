using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Wilson.Agents.Commands;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Agents.Running;

/// <summary>
/// Writes one execution's run to the store as it happens: each step into the transcript (awaited, so a
/// step is durable before the next begins), and the live stream (model text, tool calls and results,
/// notices, command output) as events. Posting never blocks the agent or a command's output pump: events
/// queue and a writer appends them, the model's text in pieces of <see cref="TextPiece"/>, command output paced to
/// one event per <see cref="OutputPacing"/>, each cut to its last <see cref="MaxEventText"/> characters.
/// </summary>
public sealed class ExecutionRecorder : IAsyncDisposable
{
    public const int MaxEventText = 8_000;
    public static readonly TimeSpan OutputPacing = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long a model's streamed text is held before it is stored as one event: a slow local model streams a token
    /// every few tens of milliseconds, and an event per token made the log unreadable and wrote the store per token.
    /// Live views see the text at most this late.
    /// </summary>
    public static readonly TimeSpan TextPiece = TimeSpan.FromMilliseconds(100);

    private readonly IWorkStore _store;
    private readonly Execution _execution;
    private readonly Actor _actor;
    private readonly TimeProvider _time;
    private readonly Channel<(string Type, string Text)> _queue = Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly StringBuilder _text = new();
    private long? _textSince;

    public ExecutionRecorder(IWorkStore store, Execution execution, TimeProvider time)
    {
        _store = store;
        _execution = execution;
        _actor = Actor.Agent(execution.Role);
        _time = time;
        _writer = Task.Run(WriteEventsAsync);
    }

    public void Post(AgentEvent agentEvent) => _queue.Writer.TryWrite((agentEvent.Kind switch
    {
        AgentEventKind.Text => EventTypes.AgentText,
        AgentEventKind.ToolCall => EventTypes.AgentToolCall,
        AgentEventKind.ToolResult => EventTypes.AgentToolResult,
        AgentEventKind.Model => EventTypes.AgentModel,
        _ => EventTypes.AgentNotice,
    }, agentEvent.Text));

    public void Post(CommandEvent commandEvent) =>
        _queue.Writer.TryWrite((commandEvent.Kind == CommandEventKind.Output ? EventTypes.CommandOutput : EventTypes.CommandWarning, commandEvent.Text));

    /// <summary>Adds the step to the execution's transcript.</summary>
    public Task RecordStepAsync(AgentStep step, CancellationToken cancellationToken) =>
        _store.AppendTranscriptStepAsync(_execution.Id, new TranscriptStep(
            step.Number,
            step.ModelOutput,
            JsonSerializer.Serialize(step.Calls.Select(c => new { name = c.Name, arguments = JsonDocument.Parse(c.ArgumentsJson).RootElement })),
            JsonSerializer.Serialize(step.Calls.Select(c => c.Result)),
            _time.GetUtcNow()), cancellationToken);

    /// <summary>Writes what is still queued (again: a no-op); a failure to append (the store went away) surfaces here.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteEventsAsync()
    {
        var reader = _queue.Reader;
        Task<bool>? more = null;
        while (true)
        {
            more ??= reader.WaitToReadAsync().AsTask();
            if (_text.Length > 0 && !await ArrivesBeforeTextIsDueAsync(more))
            {
                await FlushTextAsync();
                continue;
            }

            if (!await more)
            {
                break;
            }

            more = null;
            var batch = new List<(string Type, StringBuilder Text)>();
            while (reader.TryRead(out var next))
            {
                if (next.Type == EventTypes.AgentText)
                {
                    // Held back to be stored as a piece (see TextPiece), unless something else must go out after it.
                    _textSince ??= _time.GetTimestamp();
                    _text.Append(next.Text);
                }
                else if (batch.Count > 0 && batch[^1].Type == next.Type && Mergeable(next.Type))
                {
                    batch[^1].Text.Append(next.Text);
                }
                else
                {
                    // What came before it goes first: the text the model wrote before calling a tool, say.
                    if (_text.Length > 0)
                    {
                        batch.Add((EventTypes.AgentText, new StringBuilder().Append(_text)));
                        _text.Clear();
                        _textSince = null;
                    }

                    batch.Add((next.Type, new StringBuilder(next.Text)));
                }
            }

            foreach (var (type, text) in batch)
            {
                await AppendAsync(type, text);
            }

            if (batch.Exists(b => b.Type == EventTypes.CommandOutput) && !reader.Completion.IsCompleted)
            {
                // A chatty command would otherwise be an event per read; the wait lets its output gather.
                await Task.Delay(OutputPacing, _time);
            }
        }

        await FlushTextAsync();
    }

    // True when more arrives (or the queue ends) before the held text has waited its piece's time.
    private async Task<bool> ArrivesBeforeTextIsDueAsync(Task<bool> more)
    {
        var left = TextPiece - _time.GetElapsedTime(_textSince!.Value);
        if (left > TimeSpan.Zero && !more.IsCompleted)
        {
            using var due = new CancellationTokenSource();
            var delay = Task.Delay(left, _time, due.Token);
            await Task.WhenAny(more, delay);
            await due.CancelAsync();
        }

        return more.IsCompleted;
    }

    private async Task FlushTextAsync()
    {
        if (_text.Length == 0)
        {
            return;
        }

        var text = new StringBuilder().Append(_text);
        _text.Clear();
        _textSince = null;
        await AppendAsync(EventTypes.AgentText, text);
    }

    private async Task AppendAsync(string type, StringBuilder text) =>
        await _store.AppendEventAsync(new NewEvent(_execution.ProjectId, _execution.ItemKey, type, _actor,
            JsonSerializer.Serialize(new { executionId = _execution.Id, stage = _execution.Stage, text = Cut(text) })), CancellationToken.None);

    private static bool Mergeable(string type) => type is EventTypes.AgentText or EventTypes.CommandOutput;

    private static string Cut(StringBuilder text) => text.Length <= MaxEventText
        ? text.ToString()
        : $"[... {text.Length - MaxEventText:N0} characters not shown ...]\n" + text.ToString(text.Length - MaxEventText, MaxEventText);
}
