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
/// queue and a writer appends them, merging consecutive text of one kind and pacing command output to one
/// event per <see cref="OutputPacing"/>, each cut to its last <see cref="MaxEventText"/> characters.
/// </summary>
public sealed class ExecutionRecorder : IAsyncDisposable
{
    public const int MaxEventText = 8_000;
    public static readonly TimeSpan OutputPacing = TimeSpan.FromMilliseconds(50);

    private readonly IWorkStore _store;
    private readonly Execution _execution;
    private readonly Actor _actor;
    private readonly TimeProvider _time;
    private readonly Channel<(string Type, string Text)> _queue = Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

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
        while (await reader.WaitToReadAsync())
        {
            var batch = new List<(string Type, StringBuilder Text)>();
            while (reader.TryRead(out var next))
            {
                if (batch.Count > 0 && batch[^1].Type == next.Type && Mergeable(next.Type))
                {
                    batch[^1].Text.Append(next.Text);
                }
                else
                {
                    batch.Add((next.Type, new StringBuilder(next.Text)));
                }
            }

            foreach (var (type, text) in batch)
            {
                await _store.AppendEventAsync(new NewEvent(_execution.ProjectId, _execution.ItemKey, type, _actor,
                    JsonSerializer.Serialize(new { executionId = _execution.Id, stage = _execution.Stage, text = Cut(text) })), CancellationToken.None);
            }

            if (batch.Exists(b => b.Type == EventTypes.CommandOutput) && !reader.Completion.IsCompleted)
            {
                // A chatty command would otherwise be an event per read; the wait lets its output gather.
                await Task.Delay(OutputPacing, _time);
            }
        }
    }

    private static bool Mergeable(string type) => type is EventTypes.AgentText or EventTypes.CommandOutput;

    private static string Cut(StringBuilder text) => text.Length <= MaxEventText
        ? text.ToString()
        : $"[... {text.Length - MaxEventText:N0} characters not shown ...]\n" + text.ToString(text.Length - MaxEventText, MaxEventText);
}
