using System.Text.Json;
using Microsoft.Extensions.AI;
using Wilson.Agents.Commands;
using Wilson.Agents.Git;
using Wilson.Agents.Running;
using Wilson.Agents.Verification;
using Wilson.Agents.Workspaces;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Projects;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Agents.Tests.Running;

/// <summary>
/// An agent execution end to end on a real repository and a real SQLite store: opened, each step in
/// the transcript and checkpointed, the stream as events, closed with its result; and closed too when
/// it is cancelled or its model fails.
/// </summary>
public sealed class AgentExecutionTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly TempDirectory _directory = new("wilson-execution");
    private readonly GitProcess _git = new(TestGit.Environment());
    private ScriptedModel _model = null!;
    private IWorkStore _store = null!;
    private Project _project = null!;
    private WorkItem _item = null!;
    private ItemWorktrees _worktrees = null!;

    public async Task InitializeAsync()
    {
        _model = await ScriptedModel.StartAsync(
        [
            new ScriptedTurn { WhenContains = "Briefing: greet", Text = "I will write it.", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"greet.txt","content":"hello\n"}""")], Once = true },
            new ScriptedTurn { WhenContains = "wrote greet.txt", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"for i in $(seq 1 3000); do echo line $i; done"}""")], Once = true },
            new ScriptedTurn { WhenContains = "line 3000", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"greeted","handoff":"{\"files\":[\"greet.txt\"]}"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: ask", ToolCalls = [new ScriptedToolCall("finish", """{"result":"blocked","summary":"which greeting?"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: wait", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"sleep 30"}""")] },
            new ScriptedTurn { WhenContains = "wrote bye.txt", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"said bye"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: stubborn", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"bye.txt","content":"bye\n"}""")] },
        ]);
        await GitAsync("init", "--quiet", "--initial-branch=main");
        File.WriteAllText(_directory.Combine(".gitignore"), ".wilson/\n");
        await GitAsync("add", "--all");
        await GitAsync("commit", "--quiet", "-m", "start");
        _worktrees = new ItemWorktrees(_directory.Path, "main", _git);
        _store = await TestStores.OpenAsync(TestStores.NewSqlite(_directory.Combine(".wilson")), TimeProvider.System, Ct);
        _project = await TestStores.RegisterAsync(_store, "greeter", Ct);
        _item = (await _store.AddItemAsync(_project.Id, new NewWorkItem { Title = "Greet", AcceptanceCriteria = ["greet.txt says hello"] }, Actor.Person("ada"), Ct)).Item!;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _model.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<AgentExecutionRequest> RequestAsync(string briefing, IChatClient? client = null, Verifier? verifier = null)
    {
        var worktree = await _worktrees.EnsureAsync(_item.Key, _item.Title, Ct);
        var runner = new CommandRunner(worktree, CommandPolicy.Default("main"),
            CommandEnvironment.Scrub(new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }), null, TimeProvider.System);
        return new AgentExecutionRequest
        {
            Item = _item,
            Stage = "develop",
            Role = "developer",
            Worker = "worker-1",
            SystemPrompt = "You are the developer.",
            Briefing = briefing,
            ClientFor = _ => client ?? _model.Client(),
            ToolsFor = (_, onCommand) => new AgentTools(worktree, _directory.Combine("artifacts"), runner, _git, "", onCommand).All(),
            Verifier = verifier,
            VerificationSteps = verifier is null ? [] : [new VerificationStep("file_contains", "greet.txt", "hello")],
        };
    }

    private Task<AgentExecutionResult> RunAsync(AgentExecutionRequest request, CancellationToken cancellationToken = default) =>
        new AgentExecution(_store, _worktrees, TimeProvider.System).RunAsync(request, cancellationToken);

    private async Task<List<WorkEvent>> EventsAsync() =>
        [.. await _store.ReadEventsAsync(new EventQuery { ProjectId = _project.Id, ItemKey = _item.Key, Limit = 10_000 }, Ct)];

    [Fact]
    public async Task A_passing_run_is_recorded_step_by_step_checkpointed_and_closed_with_its_handoff_and_report()
    {
        var worktree = await _worktrees.EnsureAsync(_item.Key, _item.Title, Ct);
        var verifier = new Verifier(worktree, new CommandRunner(worktree, CommandPolicy.Default("main"), new Dictionary<string, string>(), null, TimeProvider.System), _git, "");

        var result = await RunAsync(await RequestAsync("Briefing: greet", verifier: verifier));

        var execution = (await _store.GetExecutionAsync(result.Execution.Id, Ct))!;
        Assert.Equal(ExecutionResult.Pass, execution.Result);
        Assert.Equal("greeted", execution.Summary);
        Assert.Equal("""{"files":["greet.txt"]}""", execution.HandoffOut);
        Assert.True(JsonDocument.Parse(execution.VerificationReport!).RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal([1, 2, 3], execution.Transcript.Select(s => s.Number));
        Assert.Equal("I will write it.", execution.Transcript[0].ModelOutput);
        Assert.Equal("""[{"name":"write_file","arguments":{"path":"greet.txt","content":"hello\n"}}]""", execution.Transcript[0].ToolCallsJson);
        Assert.Contains("wrote greet.txt", execution.Transcript[0].ToolResultsJson, StringComparison.Ordinal);
        var log = await GitAsync("-C", worktree, "log", "--format=%s", "main..HEAD");
        Assert.Equal("wilson: T-1 develop step 1: write_file", log.StandardOutput);

        var events = await EventsAsync();
        var mine = events.SkipWhile(e => e.Type != EventTypes.ExecutionStarted).ToList();
        Assert.Equal(EventTypes.ExecutionFinished, mine[^1].Type);
        Assert.Contains(mine, e => e.Type == EventTypes.AgentText && e.PayloadJson.Contains("I will write it.", StringComparison.Ordinal));
        Assert.All(mine.Where(e => e.Type.StartsWith("agent.", StringComparison.Ordinal)), e => Assert.Equal(Actor.Agent("developer"), e.Actor));

        // 3,000 lines of output become a few paced events, each cut to the last characters, not 3,000 events.
        var output = mine.Where(e => e.Type == EventTypes.CommandOutput).Select(e => JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("text").GetString()!).ToList();
        Assert.InRange(output.Count, 1, 100);
        Assert.All(output, text => Assert.True(text.Length <= ExecutionRecorder.MaxEventText + 64, $"{text.Length} characters"));
        Assert.EndsWith("line 3000\n", output[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blocked_agent_closes_the_execution_blocked_with_its_question()
    {
        var result = await RunAsync(await RequestAsync("Briefing: ask"));

        Assert.Equal(ExecutionResult.Blocked, result.Execution.Result);
        Assert.Equal("which greeting?", result.Execution.Summary);
        Assert.NotNull(result.Execution.EndedAt);
    }

    [Fact]
    public async Task Cancelled_mid_command_the_execution_is_closed_cancelled_within_a_second()
    {
        using var cancel = new CancellationTokenSource();
        var request = await RequestAsync("Briefing: wait");
        var run = RunAsync(request with { Observer = e => { if (e.Kind == AgentEventKind.ToolCall) { cancel.CancelAfter(200); } } }, cancel.Token);

        var started = TimeProvider.System.GetTimestamp();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(5), "cancelled well before the 30 s sleep");
        var execution = Assert.Single(await _store.ListExecutionsAsync(_project.Id, _item.Key, Ct));
        Assert.Equal(ExecutionResult.Cancelled, execution.Result);
        Assert.Equal(EventTypes.ExecutionFinished, (await EventsAsync())[^1].Type);
    }

    [Fact]
    public async Task A_model_that_is_down_closes_the_execution_failed_with_the_error()
    {
        _model.Server.InjectFault(new FakeFault(FakeFaultKind.ServerError) { Times = 10 });

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () => await RunAsync(await RequestAsync("Briefing: greet")));

        var execution = Assert.Single(await _store.ListExecutionsAsync(_project.Id, _item.Key, Ct));
        Assert.Equal(ExecutionResult.Fail, execution.Result);
        Assert.Equal($"error: {failure.Message}", execution.Summary);
    }

    private Task<GitResult> GitAsync(params string[] arguments) => _git.RunAsync(_directory.Path, arguments, Ct);

    [Fact]
    public async Task The_turn_budget_is_the_stages_fix_attempts_included()
    {
        var worktree = await _worktrees.EnsureAsync(_item.Key, _item.Title, Ct);
        var verifier = new Verifier(worktree, new CommandRunner(worktree, CommandPolicy.Default("main"), new Dictionary<string, string>(), null, TimeProvider.System), _git, "");
        var request = await RequestAsync("Briefing: stubborn", verifier: verifier) with { Budget = new AgentBudget { MaxSteps = 5 }, FixAttempts = 5 };

        var result = await RunAsync(request);

        // Two turns an attempt (write, finish) and verification fails every time: the third attempt gets the one turn left.
        var execution = (await _store.GetExecutionAsync(result.Execution.Id, Ct))!;
        Assert.Equal(5, execution.Transcript.Count);
        Assert.Equal((ExecutionResult.Fail, 3), (execution.Result!.Value, result.Attempts));
        Assert.Equal("out of turns: the 1 left were used without finishing", execution.Summary);
    }
}
