using System.Text.Json;
using Wilson.Agents.Running;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Projects;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Testing;

namespace Wilson.Agents.Tests.Running;

/// <summary>How a run's live stream reaches the event log: a slow model's tokens in pieces, in order, none lost.</summary>
public sealed class ExecutionRecorderTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempDirectory _directory = new();
    private IWorkStore _store = null!;
    private Project _project = null!;
    private Execution _execution = null!;

    public async Task InitializeAsync()
    {
        _store = await TestStores.OpenAsync(TestStores.NewSqlite(_directory.Combine(".wilson")), TimeProvider.System, Ct);
        _project = await TestStores.RegisterAsync(_store, "recorder", Ct);
        _execution = await _store.StartExecutionAsync(new NewExecution(_project.Id, "T-1", "develop", "developer", "w1"), Actor.Agent("developer"), Ct);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Post_ASlowModelsTokens_AreStoredInPiecesNotOneEventEach_AndNoTextIsLost()
    {
        var recorder = new ExecutionRecorder(_store, _execution, TimeProvider.System);
        var tokens = Enumerable.Range(0, 40).Select(i => $"word{i} ").ToList();

        // A token every 10 ms, as a slow local model streams: 400 ms of text.
        foreach (var token in tokens)
        {
            recorder.Post(new AgentEvent(AgentEventKind.Text, token));
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }

        await recorder.DisposeAsync();

        var pieces = await TextsAsync(EventTypes.AgentText);
        Assert.Equal(string.Concat(tokens), string.Concat(pieces));
        // About four pieces of 100 ms; a loaded machine stretches the 10 ms waits, so up to half as many pieces as tokens.
        Assert.InRange(pieces.Count, 2, tokens.Count / 2);
    }

    [Fact]
    public async Task Post_TextThenAToolCall_StoresTheTextFirst_AndTextIsStoredWhileTheRunGoesOn()
    {
        var recorder = new ExecutionRecorder(_store, _execution, TimeProvider.System);
        recorder.Post(new AgentEvent(AgentEventKind.Text, "I will write "));
        recorder.Post(new AgentEvent(AgentEventKind.Text, "it."));
        recorder.Post(new AgentEvent(AgentEventKind.ToolCall, "write_file hello.txt"));
        recorder.Post(new AgentEvent(AgentEventKind.Text, "Now the tests."));

        // Not disposed: the held text goes out once its piece's time is up, for live views.
        await Eventually.TrueAsync(async () => (await TextsAsync(EventTypes.AgentText)).Count == 2, "the text after the call is stored", TimeSpan.FromSeconds(5));
        var events = await _store.ReadEventsAsync(new EventQuery { ItemKey = "T-1" }, Ct);
        Assert.Equal(
            [(EventTypes.AgentText, "I will write it."), (EventTypes.AgentToolCall, "write_file hello.txt"), (EventTypes.AgentText, "Now the tests.")],
            events.Where(e => e.Type.StartsWith("agent.", StringComparison.Ordinal)).Select(e => (e.Type, Text(e))));
        await recorder.DisposeAsync();
    }

    private async Task<List<string>> TextsAsync(string type) =>
        [.. (await _store.ReadEventsAsync(new EventQuery { ItemKey = "T-1" }, Ct)).Where(e => e.Type == type).Select(Text)];

    private static string Text(WorkEvent e) => JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("text").GetString()!;
}
