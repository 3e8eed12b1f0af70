using System.Text.Json;
using Wilson.Core.Executions;
using Wilson.Storage;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Cli.Tests;

/// <summary>
/// <c>wilson run-agent</c> end to end: a scripted model writes the code through tools, runs the tests,
/// claims a pass too early, is sent back by verification, fixes it and passes; the worktree's
/// commits show each step. Real git, real processes, a real database.
/// </summary>
public sealed class RunAgentCommandTests : IAsyncLifetime
{
    private const string KeyVariable = "WILSON_TEST_CODER_KEY";
    private const string Key = "sk-coder-0123456789";

    private FakeModelServer _server = null!;
    private TempGitRepository _repository = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.Add(new FakeModel("coder", 1L << 30));
        script.Turns.AddRange(
        [
            new ScriptedTurn { WhenContains = "The reviewer requests changes: close", ToolCalls = [new ScriptedToolCall("finish", """{"result":"blocked","summary":"I see: say hello, not helo"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: T-1 Review the greeting", ToolCalls = [new ScriptedToolCall("request_changes", """{"summary":"close","changes":["say hello, not helo"]}""")], Once = true },
            new ScriptedTurn { WhenContains = "requested 1 change(s)", ToolCalls = [new ScriptedToolCall("finish", """{"result":"fail","summary":"changes requested"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: T-1", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"app.sh","content":"greet() { echo helo; }\n"}""")], Once = true },
            new ScriptedTurn { WhenContains = "wrote app.sh", ToolCalls = [new ScriptedToolCall("run_tests", "{}")], Once = true },
            new ScriptedTurn { WhenContains = "exit 1", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"greet is written"}""")] },
            new ScriptedTurn { WhenContains = "You said the work passes", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"app.sh","content":"greet() { echo hello; }\n"}""")], Once = true },
            new ScriptedTurn { WhenContains = "wrote app.sh", ToolCalls = [new ScriptedToolCall("run_tests", "{}")] },
            new ScriptedTurn { WhenContains = "exit 0", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"greet says hello; tests pass"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: T-2", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"npm publish"}""")] },
            new ScriptedTurn { WhenContains = "publishing is for people", ToolCalls = [new ScriptedToolCall("finish", """{"result":"blocked","summary":"may I publish?"}""")] },
        ]);
        _server = await FakeModelServer.StartAsync(script);

        _repository = await TempGitRepository.CreateAsync();
        File.WriteAllText(_repository.Combine("test.sh"), ". ./app.sh\n[ \"$(greet)\" = hello ] && echo 'tests: ok' || { echo \"tests: greet says $(greet)\"; exit 1; }\n");
        File.WriteAllText(_repository.Combine("app.sh"), "greet() { :; }\n");
        await GitRunner.RunAsync(_repository.Path, "add", "--all");
        await GitRunner.RunAsync(_repository.Path, "commit", "--quiet", "-m", "a tiny shell project");
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "init", "--profile", "low")).ExitCode);
        Configure("ollama");
    }

    // The coder on an endpoint of the protocol: the fake server speaks all three.
    private void Configure(string protocol)
    {
        var endpoint = protocol switch
        {
            "openai" => $"protocol: openai\nurl: {_server.BaseUri}v1\napi_key_env: {KeyVariable}",
            "anthropic" => $"protocol: anthropic\nurl: {_server.BaseUri}\napi_key_env: {KeyVariable}",
            _ => $"protocol: ollama\nurl: {_server.BaseUri}",
        };
        File.WriteAllText(_repository.Combine(".wilson", "wilson.yaml"), $"""
            project:
              name: greeter
              default_branch: main
              test_command: sh test.sh
            models:
              endpoints:
                local:
                  {endpoint.Replace("\n", "\n      ", StringComparison.Ordinal)}
              memory_budget: 4GB
              models:
                coder:
                  endpoint: local
                  size: 1GB
              purposes:
                code: coder
                test: coder
                review: coder
            commands:
              refuse:
                - pattern: \bnpm\s+publish\b
                  reason: publishing is for people
            """);
    }

    public async Task DisposeAsync()
    {
        _repository.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("ollama")]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task The_developer_writes_tests_fails_verification_once_fixes_and_passes(string protocol)
    {
        Configure(protocol);
        _server.RequiredApiKey = protocol == "ollama" ? null : Key;
        var added = await Cli.RunAsync(_repository.Path, "item", "add", "Greet the user", "-c", "`sh test.sh` passes");
        Assert.True(added.ExitCode == 0, added.ToString());

        var run = await Cli.RunWithAsync(_repository.Path, new Dictionary<string, string> { [KeyVariable] = Key }, "run-agent", "T-1", "--role", "developer");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.All(_server.Requests.Where(r => r.Model == "coder"), r => Assert.Equal(protocol, r.Protocol));
        Assert.DoesNotContain(Key, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Contains("execution 1: Pass after 2 attempt(s)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("greet says hello; tests pass", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("verification failed on attempt 1", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("tests: greet says helo", run.Stdout, StringComparison.Ordinal);
        var worktree = _repository.Combine(".wilson", "worktrees", "T-1");
        Assert.Equal("greet() { echo hello; }\n", File.ReadAllText(Path.Combine(worktree, "app.sh")));
        var log = await GitRunner.RunAsync(worktree, "log", "--format=%s", "main..HEAD");
        Assert.Equal(["wilson: T-1 plan step 1: write_file", "wilson: T-1 plan step 4: write_file"], log.Split('\n').Reverse());
        Assert.Equal("greet() { :; }\n", File.ReadAllText(_repository.Combine("app.sh")));
    }

    [Fact]
    public async Task The_run_is_recorded_as_an_execution_with_its_transcript_report_and_events()
    {
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "item", "add", "Greet the user", "-c", "`sh test.sh` passes")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "run-agent", "T-1")).ExitCode);

        await using var store = await TestStores.OpenAsync(DatabaseLocation.Sqlite(_repository.Combine(".wilson", "wilson.db")), TimeProvider.System, default);
        var project = (await store.FindProjectAsync("greeter", default))!;
        var listed = Assert.Single(await store.ListExecutionsAsync(project.Id, "T-1", default));
        var execution = (await store.GetExecutionAsync(listed.Id, default))!;
        Assert.Equal((ExecutionResult.Pass, "developer", "coder"), (execution.Result, execution.Role, execution.Model));
        Assert.True(execution.TokensIn > 0 && execution.TokensOut > 0, $"tokens {execution.TokensIn}/{execution.TokensOut}");
        Assert.Equal("greet says hello; tests pass", JsonDocument.Parse(execution.HandoffOut).RootElement.GetProperty("summary").GetString());
        Assert.True(JsonDocument.Parse(execution.VerificationReport!).RootElement.GetProperty("passed").GetBoolean());
        // Two attempts of three steps each (write, run tests, finish), numbered through the execution.
        Assert.Equal([1, 2, 3, 4, 5, 6], execution.Transcript.Select(s => s.Number));
        Assert.Equal(["write_file", "run_tests", "finish", "write_file", "run_tests", "finish"],
            execution.Transcript.Select(s => JsonDocument.Parse(s.ToolCallsJson).RootElement[0].GetProperty("name").GetString()));
        Assert.Contains("tests: greet says helo", execution.Transcript[1].ToolResultsJson, StringComparison.Ordinal);

        var events = await Cli.RunAsync(_repository.Path, "events", "--item", "T-1", "--json");
        var types = events.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("type").GetString()).ToList();
        Assert.Equal("execution.started", types.First(t => t!.StartsWith("execution.", StringComparison.Ordinal)));
        Assert.Equal("execution.finished", types[^1]);
        Assert.Contains("agent.tool_call", types);
        Assert.Contains("agent.tool_result", types);
        Assert.Contains("command.output", types);
        Assert.Contains("#1 plan/developer Pass", (await Cli.RunAsync(_repository.Path, "item", "show", "T-1")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_the_reviewer_requests_reach_the_developer_in_its_briefing()
    {
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "item", "add", "Review the greeting", "-c", "`sh test.sh` passes")).ExitCode);

        var review = await Cli.RunAsync(_repository.Path, "run-agent", "T-1", "--role", "reviewer");
        var develop = await Cli.RunAsync(_repository.Path, "run-agent", "T-1", "--role", "developer");

        Assert.Equal(1, review.ExitCode);
        Assert.Contains("execution 1: Fail", review.Stdout, StringComparison.Ordinal);
        Assert.Contains("execution 2: Blocked", develop.Stdout, StringComparison.Ordinal);
        Assert.Contains("I see: say hello, not helo", develop.Stdout, StringComparison.Ordinal);
        var briefing = _server.Requests.Where(r => r.Path == "/api/chat").Last().Body;
        Assert.Contains("- from agent:reviewer: The reviewer requests changes: close", briefing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_finished_item_loses_its_worktree_and_keeps_its_branch()
    {
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "item", "add", "Greet the user", "-c", "`sh test.sh` passes")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "run-agent", "T-1")).ExitCode);
        var worktree = _repository.Combine(".wilson", "worktrees", "T-1");
        Assert.True(Directory.Exists(worktree));

        var move = await Cli.RunAsync(_repository.Path, "item", "move", "T-1", "--to", "cancelled", "--reason", "done elsewhere");

        Assert.True(move.ExitCode == 0, move.ToString());
        Assert.Contains("worktree", move.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(worktree));
        Assert.Contains("wilson/T-1-greet-the-user", await GitRunner.RunAsync(_repository.Path, "branch", "--list", "wilson/*"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_role_is_refused_with_the_closest()
    {
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "item", "add", "Greet the user", "-c", "`sh test.sh` passes")).ExitCode);

        var run = await Cli.RunAsync(_repository.Path, "run-agent", "T-1", "--role", "develper");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: --role: unknown role 'develper' (did you mean 'developer'?)", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_lists_the_checkpoints_and_resets_the_worktree_to_one()
    {
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "item", "add", "Greet the user", "-c", "`sh test.sh` passes")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "run-agent", "T-1")).ExitCode);

        var list = await Cli.RunAsync(_repository.Path, "item", "rollback", "T-1");
        var first = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Split(' ')[0];
        var rollback = await Cli.RunAsync(_repository.Path, "item", "rollback", "T-1", "--to", first);
        var wrong = await Cli.RunAsync(_repository.Path, "item", "rollback", "T-1", "--to", "0000000");

        Assert.Equal(2, list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal("greet() { echo helo; }\n", File.ReadAllText(_repository.Combine(".wilson", "worktrees", "T-1", "app.sh")));
        Assert.Equal(1, wrong.ExitCode);
        Assert.StartsWith("error: 0000000 is not a checkpoint of T-1; its checkpoints:", Assert.Single(wrong.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_the_project_refuses_is_refused_with_its_reason()
    {
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "item", "add", "Greet the user", "-c", "`sh test.sh` passes")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "item", "add", "Release it", "-c", "it is published")).ExitCode);

        var run = await Cli.RunAsync(_repository.Path, "run-agent", "T-2", "--role", "developer");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("refused: publishing is for people", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Blocked: may I publish?", run.Stdout, StringComparison.Ordinal);
    }
}
