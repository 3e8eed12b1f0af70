using System.Text.Json;
using Wilson.Testing.Models;

namespace Wilson.Cli.Tests;

/// <summary>
/// An idea becomes merged, tested code, from the command line: <c>wilson init</c> on a small shell project
/// with tests, <c>wilson idea "..." --wait</c>, and agents on the fake model server. The planner makes three
/// items (two independent, a third after both); the two run side by side in their own worktrees; the first
/// developer's tests fail once and it fixes them; the reviewer asks for a change once; everything is approved
/// by the policy (low risk) and merged one at a time; the default branch holds the code and its tests pass;
/// the event log tells the story.
/// </summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private FakeModelServer _server = null!;
    private TempGitRepository _repository = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.AddRange([new FakeModel("llama3.2:3b", 2L << 30), new FakeModel("qwen2.5-coder:7b", 5L << 30)]);
        script.Turns.AddRange(
        [
            // The planner breaks the idea into three items: add and multiply side by side, the README after both.
            Turn("Stage: plan of the plan pipeline", Call("create_item", """{"title":"Add function","acceptance_criteria":["`sh test.sh` passes","calc.sh defines add"],"priority":3}"""), once: true),
            Turn("created T-2 (Ready)", Call("create_item", """{"title":"Multiply function","acceptance_criteria":["`sh test.sh` passes","mul.sh defines mul"],"priority":3}"""), once: true),
            Turn("created T-3 (Ready)", Call("create_item", """{"title":"Usage in the README","acceptance_criteria":["README.md shows add and mul"],"depends_on":["T-2","T-3"],"kind":"docs"}"""), once: true),
            Turn("created T-4 (Ready)", Call("finish", """{"result":"pass","summary":"three items: add and multiply, then the README"}""")),
            Turn("Stage: plan of the standard pipeline", Call("finish", """{"result":"pass","summary":"the criteria are clear"}""")),

            // A briefing stays in the conversation: the answers to tool results come first, or the briefing's turn would match again.
            Turn("wrote calc.sh", Call("finish", """{"result":"pass","summary":"add is written"}""")),
            Turn("wrote mul.sh", Call("finish", """{"result":"pass","summary":"mul is written"}""")),
            Turn("wrote README.md", Call("finish", """{"result":"pass","summary":"the README shows add and mul"}""")),

            // Add: wrong at first (verification sends it back), then right; then the reviewer's change.
            Turn("The reviewer requests changes: almost", Call("write_file", """{"path":"calc.sh","content":"# add A B: prints A + B\nadd() { echo $(($1 + $2)); }\n"}"""), once: true),
            Turn("verification failed (attempt 1", Call("write_file", """{"path":"calc.sh","content":"add() { echo $(($1 + $2)); }\n"}"""), once: true),
            Turn("T-2 Add function\nStage: develop", [
                Call("write_file", """{"path":"tests/t_add.sh","content":". ./calc.sh\n[ \"$(add 2 3)\" = 5 ] || { echo \"add 2 3 is $(add 2 3), not 5\"; exit 1; }\n"}"""),
                Call("write_file", """{"path":"calc.sh","content":"add() { echo $(($1 - $2)); }\n"}""")], once: true),

            // Multiply: right the first time.
            Turn("T-3 Multiply function\nStage: develop", [
                Call("write_file", """{"path":"tests/t_mul.sh","content":". ./mul.sh\n[ \"$(mul 2 3)\" = 6 ] || exit 1\n"}"""),
                Call("write_file", """{"path":"mul.sh","content":"mul() { echo $(($1 * $2)); }\n"}""")]),

            // The README.
            Turn("T-4 Usage in the README\nStage: develop", Call("write_file", """{"path":"README.md","content":"# calc\n\nadd 2 3 prints 5; mul 2 3 prints 6.\n"}""")),

            // The reviewer asks for one change on Add, then approves.
            Turn("T-2 Add function\nStage: approve", Call("request_changes", """{"summary":"almost","changes":["say in a comment what add does"]}"""), once: true),
            Turn("requested 1 change(s)", Call("finish", """{"result":"fail","summary":"changes requested"}""")),

            // The tester runs the tests; the security and docs agents and the reviewer read the change; each passes on what it saw.
            Turn("all passed", Call("finish", """{"result":"pass","summary":"the tests pass"}""")),
            Turn("diff --git", Call("finish", """{"result":"pass","summary":"the change is fine"}""")),
            Turn("you are the tester", Call("run_tests", "{}")),
            Turn("you are the security", Call("git_diff", "{}")),
            Turn("you are the docs", Call("git_diff", "{}")),
            Turn("you are the reviewer", Call("git_diff", "{}")),
            Turn("Stage: ", Call("finish", """{"result":"pass","summary":"nothing to add"}""")),
        ]);
        _server = await FakeModelServer.StartAsync(script);

        _repository = await TempGitRepository.CreateAsync();
        Directory.CreateDirectory(_repository.Combine("tests"));
        File.WriteAllText(_repository.Combine("test.sh"), "for t in tests/t_*.sh; do sh \"$t\" || exit 1; done\necho all passed\n");
        File.WriteAllText(_repository.Combine("tests", "t_hello.sh"), "[ hello = hello ]\n");
        await GitRunner.RunAsync(_repository.Path, "add", "--all");
        await GitRunner.RunAsync(_repository.Path, "commit", "--quiet", "-m", "a small shell project with tests");
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "init", "--profile", "mid")).ExitCode);
        var config = _repository.Combine(".wilson", "wilson.yaml");
        File.WriteAllText(config, File.ReadAllText(config)
            .Replace("url: \"\"", $"url: {_server.BaseUri}", StringComparison.Ordinal)
            .Replace("test_command: \"\"", "test_command: sh test.sh", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        _repository.Dispose();
        await _server.DisposeAsync();
    }

    private static ScriptedTurn Turn(string whenContains, ScriptedToolCall call, bool once = false) => Turn(whenContains, [call], once);

    private static ScriptedTurn Turn(string whenContains, ScriptedToolCall[] calls, bool once = false) =>
        new() { WhenContains = whenContains, ToolCalls = calls, Once = once };

    private static ScriptedToolCall Call(string name, string arguments) => new(name, arguments);

    [Fact]
    public async Task An_idea_becomes_merged_tested_code()
    {
        var idea = await Cli.RunAsync(_repository.Path, "idea", "add add and multiply, and show them in the README", "--wait");

        var story = await Cli.RunAsync(_repository.Path, "events", "--limit", "100000");
        if (Environment.GetEnvironmentVariable("WILSON_E2E_EVENTS") is { Length: > 0 } keep)
        {
            // For a person (or a closing note) who wants to read one run's whole story.
            File.WriteAllText(keep, story.Stdout);
        }

        Assert.True(idea.ExitCode == 0, idea.ToString());
        Assert.Contains("The plan is done: all 3 items are merged into main.", idea.Stdout, StringComparison.Ordinal);

        // The default branch holds the code, and its tests pass.
        Assert.Equal("# add A B: prints A + B\nadd() { echo $(($1 + $2)); }\n", File.ReadAllText(_repository.Combine("calc.sh")));
        Assert.True(File.Exists(_repository.Combine("mul.sh")) && File.Exists(_repository.Combine("README.md")));
        using (var tests = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", "test.sh")
        {
            WorkingDirectory = _repository.Path, RedirectStandardOutput = true, UseShellExecute = false,
        })!)
        {
            Assert.Equal("all passed\n", await tests.StandardOutput.ReadToEndAsync());
            await tests.WaitForExitAsync();
            Assert.Equal(0, tests.ExitCode);
        }

        var log = await GitRunner.RunAsync(_repository.Path, "log", "--format=%s", "main");
        foreach (var key in new[] { "T-2", "T-3", "T-4" })
        {
            Assert.Contains($"wilson: merge {key}", log, StringComparison.Ordinal);
        }

        // The event log tells the story.
        var events = (await Cli.RunAsync(_repository.Path, "events", "--json", "--limit", "100000")).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        string Type(JsonElement e) => e.GetProperty("type").GetString()!;
        string? Item(JsonElement e) => e.TryGetProperty("item", out var item) ? item.GetString() : null;
        Assert.Equal(["T-2", "T-3", "T-4"], events.Where(e => Type(e) == "item.created" && e.GetProperty("actor").GetString() == "agent:planner").Select(Item));
        Assert.Contains(events, e => Item(e) == "T-2" && Type(e) == "agent.notice" && e.GetRawText().Contains("verification failed on attempt 1", StringComparison.Ordinal));
        Assert.Contains(events, e => Item(e) == "T-2" && Type(e) == "item.feedback" && e.GetRawText().Contains("The reviewer requests changes", StringComparison.Ordinal));
        Assert.Equal(["T-1", "T-2", "T-3", "T-4"], events.Where(e => Type(e) == "item.merged").Select(Item).Order(StringComparer.Ordinal));
        var merged = events.Where(e => Type(e) == "item.merged").Select(e => (Item(e), e.GetProperty("sequence").GetInt64())).ToDictionary(p => p.Item1!, p => p.Item2);
        var readmeStarted = events.First(e => Item(e) == "T-4" && Type(e) == "worker.started" && e.GetRawText().Contains("develop", StringComparison.Ordinal)).GetProperty("sequence").GetInt64();
        Assert.True(readmeStarted > merged["T-2"] && readmeStarted > merged["T-3"], "the README waited for add and multiply");

        // Add and multiply were worked on side by side: each one's first develop run began before the other's ended.
        (long Start, long End) FirstDevelop(string key) => (
            events.First(e => Item(e) == key && Type(e) == "execution.started" && e.GetRawText().Contains("\"stage\":\"develop\"", StringComparison.Ordinal)).GetProperty("sequence").GetInt64(),
            events.First(e => Item(e) == key && Type(e) == "execution.finished" && e.GetRawText().Contains("\"stage\":\"develop\"", StringComparison.Ordinal)).GetProperty("sequence").GetInt64());
        var (add, mul) = (FirstDevelop("T-2"), FirstDevelop("T-3"));
        Assert.True(add.Start < mul.End && mul.Start < add.End, $"add ran {add}, multiply {mul}");
    }
}
