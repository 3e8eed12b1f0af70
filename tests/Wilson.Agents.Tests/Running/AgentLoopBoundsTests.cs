using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Wilson.Agents.Running;
using Wilson.Agents.Workspaces;
using Wilson.Llm;
using Wilson.Llm.Providers;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Agents.Tests.Running;

/// <summary>
/// Every model behaviour is bounded and answered, against a model that does not follow a script: an answer
/// that streams on is cut at the per-turn cap, the conversation is kept inside the model's context (a request
/// that cannot fit is never sent), arguments that are broken JSON or a JSON string are answered or repaired
/// visibly, and with constrained output even the weak model's answers are calls.
/// </summary>
public sealed class AgentLoopBoundsTests : IAsyncLifetime
{
    private readonly TempDirectory _worktree = new("wilson-bounds");
    private readonly ConcurrentQueue<AgentEvent> _events = new();
    private readonly ChatClientFactory _factory = new(_ => null, TimeProvider.System);
    private FakeModelServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeModelServer.StartAsync();

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        await _server.DisposeAsync();
        _worktree.Dispose();
    }

    private IChatClient Client(ModelProtocol protocol = ModelProtocol.Ollama) => _factory.Create(new ModelEndpoint
    {
        Name = "local",
        Protocol = protocol,
        BaseUrl = protocol == ModelProtocol.OpenAi ? new Uri(_server.BaseUri, "v1/") : _server.BaseUri,
    }, FakeModelScript.DefaultModelName);

    private Task<AgentResult> RunAsync(AgentBudget budget, string briefing = "Briefing: greet", ModelProtocol protocol = ModelProtocol.Ollama,
        bool nativeTools = true, bool constrained = false)
    {
        var files = new WorktreeFiles(_worktree.Path);
        AgentTool[] tools = [ScriptedModel.WriteFile(files), ScriptedModel.ReadFile(files)];
        return new AgentLoop(Client(protocol), tools, budget, _events.Enqueue, TimeProvider.System, nativeTools, constrainedCalls: constrained)
            .RunAsync("You are the developer.", briefing, CancellationToken.None);
    }

    private IEnumerable<string> Notices => _events.Where(e => e.Kind == AgentEventKind.Notice).Select(e => e.Text);

    private IReadOnlyList<JsonElement> ChatBodies =>
        [.. _server.Requests.Where(r => r.Path is "/api/chat" or "/v1/chat/completions").Select(r => JsonDocument.Parse(r.Body).RootElement)];

    [Fact]
    public async Task An_answer_a_server_streams_past_the_cap_is_cut_there_and_the_run_goes_on_bounded()
    {
        // A scripted answer ignores the request's limit, as a server that does not honour it would.
        _server.Script.AddTurn(new ScriptedTurn { Text = string.Join(' ', Enumerable.Repeat("blah", 5_000)) });

        var result = await RunAsync(new AgentBudget { MaxOutputTokensPerTurn = 100 });

        Assert.Equal(AgentOutcome.Blocked, result.Outcome);
        Assert.Equal("stuck: 3 turns without calling a tool or finish", result.Summary);
        Assert.Equal(3, Notices.Count(n => n == "output cut: the answer went past 100 tokens, the most one turn may take"));
        Assert.All(_events.Where(e => e.Kind == AgentEventKind.Text), e => Assert.True(e.Text.Length < 1_000, $"{e.Text.Length} characters of text got through"));
        Assert.Contains(Notices, n => n.StartsWith("Your answer was cut at 100 tokens", StringComparison.Ordinal) || n.Contains("Your answer was cut", StringComparison.Ordinal));
        Assert.All(ChatBodies, body => Assert.Equal(100, body.GetProperty("options").GetProperty("num_predict").GetInt32()));
        Assert.True(result.Tokens >= 300, $"the cut turns reported no usage, and only {result.Tokens} tokens were counted for them");
    }

    [Fact]
    public async Task A_turn_slower_than_its_time_limit_is_stopped_and_counts_as_cut()
    {
        _server.Script.AddTurn(new ScriptedTurn { Text = string.Join(' ', Enumerable.Repeat("slow", 200)) });
        _server.InjectFault(new FakeFault(FakeFaultKind.SlowStream) { Delay = TimeSpan.FromMilliseconds(20), Times = 10 });

        var result = await RunAsync(new AgentBudget { MaxTurnTime = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(AgentOutcome.Blocked, result.Outcome);
        Assert.Equal(3, Notices.Count(n => n == "output cut: the answer took longer than 00:00:00.3000000, the most one turn may take"));
    }

    [Fact]
    public async Task A_run_whose_time_runs_out_during_a_turn_stops_there()
    {
        _server.Script.AddTurn(new ScriptedTurn { Text = string.Join(' ', Enumerable.Repeat("slow", 200)) });
        _server.InjectFault(new FakeFault(FakeFaultKind.SlowStream) { Delay = TimeSpan.FromMilliseconds(20), Times = 10 });
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await RunAsync(new AgentBudget { MaxTime = TimeSpan.FromMilliseconds(500) });

        Assert.Equal((AgentOutcome.BudgetExceeded, "out of time: 00:00:00.5000000 passed during a turn"), (result.Outcome, result.Summary));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"the run took {clock.Elapsed}");
    }

    [Fact]
    public async Task Calls_that_are_refused_however_they_vary_are_no_progress_and_end_the_run_as_stuck()
    {
        _server.Script.WeakModel = WeakModel.Only(WeakBehaviour.BrokenJson);

        var result = await RunAsync(new AgentBudget { MaxSteps = 30 }, protocol: ModelProtocol.OpenAi);

        Assert.Equal(AgentOutcome.Blocked, result.Outcome);
        Assert.StartsWith("stuck: 7 steps without progress", result.Summary, StringComparison.Ordinal);
        Assert.Single(Notices, n => n.StartsWith("Your last 6 steps changed nothing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_that_stops_at_the_limit_is_told_so_and_the_model_is_asked_to_be_brief()
    {
        _server.Script.WeakModel = WeakModel.Only(WeakBehaviour.EndlessText);

        var result = await RunAsync(new AgentBudget { MaxOutputTokensPerTurn = 50 }, protocol: ModelProtocol.OpenAi);

        Assert.Equal(AgentOutcome.Blocked, result.Outcome);
        Assert.Equal(3, Notices.Count(n => n == "output cut: the server stopped the answer at its limit of 50 tokens"));
        Assert.Contains(Notices, n => n == "Your answer was cut at 50 tokens, the most one answer may take. Answer briefly: call one tool, or finish.");
        Assert.All(ChatBodies, body => Assert.Equal(50, body.GetProperty("max_tokens").GetInt32()));
    }

    [Fact]
    public async Task The_conversation_is_kept_inside_the_context_window_by_trimming_and_summarising()
    {
        for (var i = 0; i < 12; i++)
        {
            File.WriteAllText(Path.Combine(_worktree.Path, $"big{i}.txt"), string.Join('\n', Enumerable.Range(0, 150).Select(n => $"line {n} of big file {i}")) + $"\nend of file {i}.");
            _server.Script.AddTurn(new ScriptedTurn
            {
                WhenContains = i == 0 ? "Briefing: read" : $"end of file {i - 1}.",
                ToolCalls = [new ScriptedToolCall("read_file", $$"""{"path":"big{{i}}.txt"}""")],
            });
        }

        _server.Script.AddTurn(new ScriptedTurn { WhenContains = "end of file 11.", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"read them all"}""")] });
        const int Window = 2_400;

        var result = await RunAsync(new AgentBudget { ContextTokens = Window, MaxOutputTokensPerTurn = 500 }, "Briefing: read the big files");

        Assert.True(result.Outcome == AgentOutcome.Pass, result.Summary);
        Assert.Contains(Notices, n => n.StartsWith("context: trimmed", StringComparison.Ordinal));
        Assert.Contains(Notices, n => n.StartsWith("context: summarised", StringComparison.Ordinal));
        Assert.All(_server.Requests.Where(r => r.Path == "/api/chat"), r =>
        {
            var messages = JsonDocument.Parse(r.Body).RootElement.GetProperty("messages").EnumerateArray().Sum(m => m.GetProperty("content").GetString()!.Length);
            // The fake server counts a token per four characters: that is the count the window is kept by.
            Assert.True(messages / 4 + 500 <= Window, $"a request of {messages / 4} tokens was sent into a window of {Window}");
        });
        var last = JsonDocument.Parse(_server.Requests.Last(r => r.Path == "/api/chat").Body).RootElement.GetProperty("messages");
        Assert.Contains(last.EnumerateArray(), m => m.GetProperty("content").GetString()!.StartsWith("Earlier steps, summarised", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_briefing_larger_than_the_window_is_never_sent()
    {
        var result = await RunAsync(new AgentBudget { ContextTokens = 1_000, MaxOutputTokensPerTurn = 200 }, "Briefing: " + new string('x', 9_000));

        Assert.Equal(AgentOutcome.Blocked, result.Outcome);
        Assert.StartsWith("the conversation cannot fit the model's context: it needs about", result.Summary, StringComparison.Ordinal);
        Assert.EndsWith("give the model a larger context (num_ctx) or split the item", result.Summary, StringComparison.Ordinal);
        Assert.Empty(ChatBodies);
    }

    [Fact]
    public async Task Broken_JSON_in_a_call_is_answered_with_what_was_wrong_and_the_run_goes_on()
    {
        _server.Script.WeakModel = WeakModel.Only(WeakBehaviour.BrokenJson);

        var result = await RunAsync(new AgentBudget { MaxSteps = 3 }, protocol: ModelProtocol.OpenAi);

        Assert.Equal(AgentOutcome.BudgetExceeded, result.Outcome);
        var answers = _events.Where(e => e.Kind == AgentEventKind.ToolResult).Select(e => e.Text).ToList();
        Assert.Equal(3, answers.Count);
        Assert.All(answers, a => Assert.Contains(": the arguments are not valid JSON", a, StringComparison.Ordinal));
        Assert.All(answers, a => Assert.Contains("Send the arguments as one JSON object matching this schema: {", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Arguments_sent_as_a_JSON_string_are_read_from_inside_it_and_the_repair_is_shown()
    {
        _server.Script.WeakModel = WeakModel.Only(WeakBehaviour.ArgumentsAsString);

        await RunAsync(new AgentBudget { MaxSteps = 2 });

        Assert.Contains(Notices, n => n.EndsWith(": the arguments came as a JSON string; the object inside it was used", StringComparison.Ordinal));
        Assert.DoesNotContain(_events, e => e.Kind == AgentEventKind.ToolResult && e.Text.Contains("must be a JSON object", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_constrained_output_even_the_weak_model_answers_with_calls_that_parse()
    {
        _server.Script.WeakModel = new WeakModel(7);

        await RunAsync(new AgentBudget { MaxSteps = 6 }, nativeTools: false, constrained: true);

        var format = ChatBodies[0].GetProperty("format");
        Assert.Equal(["write_file", "read_file", "finish"], format.GetProperty("anyOf").EnumerateArray()
            .Select(choice => choice.GetProperty("properties").GetProperty("tool").GetProperty("const").GetString()));
        Assert.All(_server.WeakModelLog, play => Assert.Equal(WeakBehaviour.JsonAnswer, play.Behaviour));
        var calls = _events.Where(e => e.Kind == AgentEventKind.ToolCall).Select(e => e.Text).ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, call => Assert.Matches("^(write_file|read_file|finish)\\(", call));
    }
}
