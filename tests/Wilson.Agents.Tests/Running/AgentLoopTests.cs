using System.Collections.Concurrent;
using System.Text.Json;
using Wilson.Agents.Running;
using Wilson.Agents.Workspaces;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Agents.Tests.Running;

/// <summary>The agent loop against the fake model server speaking Ollama's protocol, with real file tools.</summary>
public sealed class AgentLoopTests : IAsyncLifetime
{
    private readonly TempDirectory _worktree = new("wilson-agent");
    private readonly ConcurrentQueue<AgentEvent> _events = new();
    private ScriptedModel _model = null!;

    private FakeModelServer Server => _model.Server;

    public async Task InitializeAsync()
    {
        _model = await ScriptedModel.StartAsync(
        [
            new ScriptedTurn { WhenContains = "Briefing: greet", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"greet.txt","content":"hello\n"}""")] },
            new ScriptedTurn { WhenContains = "wrote greet.txt", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"wrote greet.txt","handoff":"greet.txt says hello"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: unknown", ToolCalls = [new ScriptedToolCall("delete_everything", "{}")] },
            new ScriptedTurn { WhenContains = "unknown tool 'delete_everything'", ToolCalls = [new ScriptedToolCall("finish", """{"result":"blocked","summary":"no tool for it"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: types", ToolCalls = [new ScriptedToolCall("write_file", """{"path":42,"content":"x"}""")] },
            new ScriptedTurn { WhenContains = "must be a string", ToolCalls = [new ScriptedToolCall("finish", """{"result":"fail","summary":"bad call"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: loop", ToolCalls = [new ScriptedToolCall("read_file", """{"path":"missing.txt"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: chatter", Text = "I think it is done." },
            new ScriptedTurn { WhenContains = "go to b", ToolCalls = [new ScriptedToolCall("read_file", """{"path":"b.txt"}""")] },
            new ScriptedTurn { WhenContains = "go to a", ToolCalls = [new ScriptedToolCall("read_file", """{"path":"a.txt"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: wander", ToolCalls = [new ScriptedToolCall("read_file", """{"path":"a.txt"}""")] },
            new ScriptedTurn
            {
                WhenContains = "Briefing: text greet",
                Text = "I'll write it.\n```json\n{\"tool\": \"write_file\", \"arguments\": {\"path\": \"t.txt\", \"content\": \"hi\"}}\n```\n",
            },
            new ScriptedTurn { WhenContains = "Result of write_file", Text = "```json\n{\"tool\": \"finish\", \"arguments\": {\"result\": \"pass\", \"summary\": \"done by text\"}}\n```" },
            new ScriptedTurn { WhenContains = "Briefing: text broken", Text = "```json\n{\"tool\": \"write_file\", \"arguments\": {\"path\":\n```" },
            new ScriptedTurn { WhenContains = "Briefing: steer", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"s.txt","content":"hello"}""")], Once = true },
            new ScriptedTurn { WhenContains = "say hi instead", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"took the feedback"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: paused", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"ran after resume"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: long command", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"sleep 1000.777"}""")] },
            new ScriptedTurn { WhenContains = "not valid JSON", Text = "```json\n{\"tool\": \"finish\", \"arguments\": {\"result\": \"fail\", \"summary\": \"gave up\"}}\n```" },
        ]);
    }

    public async Task DisposeAsync()
    {
        await _model.DisposeAsync();
        _worktree.Dispose();
    }

    private Task<AgentResult> RunAsync(
        string briefing, AgentBudget? budget = null, bool nativeTools = true, AgentSteering? steering = null, Action<AgentEvent>? alsoOnEvent = null,
        CancellationToken cancellationToken = default)
    {
        var client = _model.Client();
        var files = new WorktreeFiles(_worktree.Path);
        AgentTool[] tools =
        [
            ScriptedModel.WriteFile(files),
            ScriptedModel.ReadFile(files),
            new("run_command", "Run a command", AgentTool.Strings("command"), async (args, ct) =>
            {
                var runner = new Wilson.Agents.Commands.CommandRunner(_worktree.Path, Wilson.Agents.Commands.CommandPolicy.Default("main"),
                    Wilson.Agents.Commands.CommandEnvironment.Scrub(new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }), null, TimeProvider.System);
                var result = await runner.RunAsync(new() { Command = args.GetProperty("command").GetString()!, WorkingDirectory = _worktree.Path }, null, ct);
                ct.ThrowIfCancellationRequested();
                return result.Output;
            }),
        ];
        void OnEvent(AgentEvent e)
        {
            _events.Enqueue(e);
            alsoOnEvent?.Invoke(e);
        }

        return new AgentLoop(client, tools, budget ?? new AgentBudget(), OnEvent, TimeProvider.System, nativeTools, steering)
            .RunAsync("You are the developer.", briefing, cancellationToken);
    }

    [Fact]
    public async Task The_agent_works_through_tools_and_finishes_with_a_handoff()
    {
        var result = await RunAsync("Briefing: greet the user in greet.txt");

        Assert.Equal((AgentOutcome.Pass, "wrote greet.txt", "greet.txt says hello", 2), (result.Outcome, result.Summary, result.Handoff, result.Steps));
        Assert.Equal("hello\n", File.ReadAllText(_worktree.Combine("greet.txt")));
        Assert.Contains(_events, e => e.Kind == AgentEventKind.ToolCall && e.Text.StartsWith("write_file(", StringComparison.Ordinal));
        Assert.Contains(_events, e => e.Kind == AgentEventKind.ToolResult && e.Text == "wrote greet.txt (1 lines)");
        Assert.True(result.Tokens > 0);
    }

    [Fact]
    public async Task An_unknown_tool_is_answered_with_the_list_of_tools()
    {
        var result = await RunAsync("Briefing: unknown tool please");

        Assert.Equal(AgentOutcome.Blocked, result.Outcome);
        using var second = JsonDocument.Parse(Server.Requests.Where(r => r.Path == "/api/chat").ElementAt(1).Body);
        var toolMessage = second.RootElement.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("error: unknown tool 'delete_everything'; the tools are: write_file, read_file, run_command, finish", toolMessage.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Arguments_of_the_wrong_type_are_answered_with_what_was_wrong()
    {
        var result = await RunAsync("Briefing: types are wrong");

        Assert.Equal(AgentOutcome.Fail, result.Outcome);
        Assert.Contains(_events, e => e.Kind == AgentEventKind.ToolResult && e.Text == "error: write_file: argument 'path' must be a string, not an integer");
        Assert.Empty(Directory.GetFiles(_worktree.Path));
    }

    [Fact]
    public async Task A_loop_is_warned_about_once_then_ends_the_run_as_stuck()
    {
        var result = await RunAsync("Briefing: loop on a missing file");

        Assert.Equal(AgentOutcome.Blocked, result.Outcome);
        Assert.Equal("""stuck: read_file({"path":"missing.txt"}) repeated 4 times with the same result""", result.Summary);
        Assert.Single(_events, e => e.Kind == AgentEventKind.Notice && e.Text.StartsWith("You have made the same call 3 times", StringComparison.Ordinal));
        Assert.Equal(4, result.Steps);
    }

    [Fact]
    public async Task Steps_that_learn_nothing_new_are_warned_about_once_then_end_the_run_as_stuck()
    {
        File.WriteAllText(_worktree.Combine("a.txt"), "go to b\n");
        File.WriteAllText(_worktree.Combine("b.txt"), "go to a\n");

        var result = await RunAsync("Briefing: wander between two files", new AgentBudget { MaxRepeats = 100, MaxStepsWithoutProgress = 4 });

        Assert.Equal(AgentOutcome.Blocked, result.Outcome);
        Assert.Equal("stuck: 5 steps without progress, repeating read_file", result.Summary);
        Assert.Equal(7, result.Steps);
        Assert.Single(_events, e => e.Text.StartsWith("Your last 4 steps changed nothing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_model_that_never_calls_a_tool_is_nudged_then_ends_as_stuck()
    {
        var result = await RunAsync("Briefing: chatter only");

        Assert.Equal(AgentOutcome.Blocked, result.Outcome);
        Assert.Equal("stuck: 3 turns without calling a tool or finish", result.Summary);
        Assert.Contains(_events, e => e.Kind == AgentEventKind.Text && e.Text.Contains("I think it is done.", StringComparison.Ordinal));
        Assert.Equal(2, _events.Count(e => e.Kind == AgentEventKind.Notice && e.Text.StartsWith("Call a tool", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_step_budget_ends_the_run_without_a_result()
    {
        var result = await RunAsync("Briefing: loop on a missing file", new AgentBudget { MaxSteps = 2 });

        Assert.Equal(AgentOutcome.BudgetExceeded, result.Outcome);
        Assert.Equal("out of turns: the 2 left were used without finishing", result.Summary);
    }

    [Fact]
    public async Task A_model_without_native_tools_calls_them_in_fenced_JSON_blocks()
    {
        var result = await RunAsync("Briefing: text greet", nativeTools: false);

        Assert.Equal((AgentOutcome.Pass, "done by text"), (result.Outcome, result.Summary));
        Assert.Equal("hi", File.ReadAllText(_worktree.Combine("t.txt")));
        using var first = JsonDocument.Parse(Server.Requests.First(r => r.Path == "/api/chat").Body);
        Assert.False(first.RootElement.TryGetProperty("tools", out _));
        Assert.Contains("## Calling tools", first.RootElement.GetProperty("messages")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_text_call_that_cannot_be_read_is_answered_with_what_was_wrong()
    {
        var result = await RunAsync("Briefing: text broken", nativeTools: false);

        Assert.Equal(AgentOutcome.Fail, result.Outcome);
        Assert.Contains(_events, e => e.Kind == AgentEventKind.ToolResult && e.Text.StartsWith("error: a tool call block is not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Feedback_given_while_the_agent_works_reaches_its_next_turn()
    {
        var steering = new AgentSteering();

        var result = await RunAsync("Briefing: steer", steering: steering, alsoOnEvent: e =>
        {
            if (e.Kind == AgentEventKind.ToolResult)
            {
                steering.AddFeedback("say hi instead");
            }
        });

        Assert.Equal((AgentOutcome.Pass, "took the feedback"), (result.Outcome, result.Summary));
        Assert.Contains(_events, e => e.Kind == AgentEventKind.Notice && e.Text == "Feedback from the person: say hi instead");
    }

    [Fact]
    public async Task A_paused_agent_waits_before_its_next_step_and_goes_on_when_resumed()
    {
        var steering = new AgentSteering();
        steering.Pause();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = RunAsync("Briefing: paused", steering: steering, alsoOnEvent: e =>
        {
            if (e.Text == "paused: waiting to be resumed")
            {
                waiting.TrySetResult();
            }
        });
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(run.IsCompleted);
        Assert.DoesNotContain(Server.Requests, r => r.Path == "/api/chat");
        steering.Resume();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("ran after resume", result.Summary);
        Assert.Contains(_events, e => e.Kind == AgentEventKind.Notice && e.Text == "paused: waiting to be resumed");
    }

    [Fact]
    public async Task Cancelling_stops_the_run_within_a_second_running_command_included()
    {
        using var cancel = new CancellationTokenSource();
        var run = RunAsync("Briefing: long command", cancellationToken: cancel.Token, alsoOnEvent: e =>
        {
            if (e.Kind == AgentEventKind.ToolCall)
            {
                cancel.CancelAfter(300);
            }
        });
        var started = TimeProvider.System.GetTimestamp();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(1.5));
        Assert.Empty(ProcessTable.WithCommandLine("1000.777"));
    }
}
