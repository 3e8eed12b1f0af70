using System.Collections.Concurrent;
using System.Text.Json;
using Wilson.Agents.Commands;
using Wilson.Agents.Git;
using Wilson.Agents.Running;
using Wilson.Core.Roles;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Agents.Tests.Running;

/// <summary>Each role holds only its tools and writes only its territory, enforced in the tool layer: a model that calls anything else is refused and told what it may do.</summary>
public sealed class RoleToolboxTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("wilson-toolbox");
    private readonly GitProcess _git = new(TestGit.Environment());
    private AgentTools _tools = null!;

    private string Worktree => _directory.Combine("worktree");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Worktree);
        await _git.RunAsync(Worktree, ["init", "--quiet", "--initial-branch=main"], CancellationToken.None);
        File.WriteAllText(Path.Combine(Worktree, "app.sh"), "greet() { echo hello; }\n");
        await _git.RunAsync(Worktree, ["add", "--all"], CancellationToken.None);
        await _git.RunAsync(Worktree, ["commit", "--quiet", "-m", "start"], CancellationToken.None);
        var runner = new CommandRunner(Worktree, CommandPolicy.Default("main"),
            CommandEnvironment.Scrub(new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }), null, TimeProvider.System);
        _tools = new AgentTools(Worktree, _directory.Combine("artifacts"), runner, _git, "true");
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    private Dictionary<string, AgentTool> Toolbox(string role) =>
        RoleToolbox.For(role, RoleCatalog.Defaults[role], _tools.All()).ToDictionary(t => t.Name);

    private static Task<string> CallAsync(Dictionary<string, AgentTool> tools, string tool, string arguments) =>
        tools[tool].Run(JsonDocument.Parse(arguments).RootElement, CancellationToken.None);

    [Fact]
    public async Task The_planner_is_never_offered_writing_or_commands_and_a_call_to_one_is_refused_saying_what_it_may_do()
    {
        await using var model = await ScriptedModel.StartAsync(
        [
            new ScriptedTurn { WhenContains = "Briefing: plan", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"hello.txt","content":"hi"}""")], Once = true },
            new ScriptedTurn { WhenContains = "not a tool of the planner", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"touch hello.txt"}""")], Once = true },
            new ScriptedTurn { WhenContains = "run_command is not a tool", ToolCalls = [new ScriptedToolCall("finish", """{"result":"blocked","summary":"I may only plan"}""")] },
        ]);
        var events = new ConcurrentQueue<AgentEvent>();

        var result = await new AgentLoop(model.Client(), [.. Toolbox("planner").Values], new AgentBudget(), events.Enqueue, TimeProvider.System)
            .RunAsync("You are the planner.", "Briefing: plan a greeting", CancellationToken.None);

        Assert.Equal(AgentOutcome.Blocked, result.Outcome);
        Assert.False(File.Exists(Path.Combine(Worktree, "hello.txt")));
        Assert.Contains(events, e => e.Kind == AgentEventKind.ToolResult && e.Text ==
            "error: write_file is not a tool of the planner: the planner reads the code and plans work items; it does not write files or run commands. " +
            "Your tools: read_file, list_files, search, git_status, git_diff, save_artifact, finish");
        var offered = JsonDocument.Parse(model.Server.Requests.First(r => r.Path == "/api/chat").Body).RootElement.GetProperty("tools")
            .EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ToList();
        Assert.Equal(["read_file", "list_files", "search", "git_status", "git_diff", "save_artifact", "finish"], offered);
    }

    [Fact]
    public async Task The_tester_writes_test_files_only()
    {
        var tester = Toolbox("tester");

        var test = await CallAsync(tester, "write_file", """{"path":"tests/t_greet.sh","content":". ./app.sh\n"}""");
        var named = await CallAsync(tester, "write_file", """{"path":"src/greet_test.go","content":"package src\n"}""");
        var production = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(
            () => CallAsync(tester, "edit_file", """{"path":"app.sh","search":"hello","replace":"bye"}"""));
        var sneaky = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(
            () => CallAsync(tester, "write_file", """{"path":"tests/../app.sh","content":"rm -rf /\n"}"""));

        Assert.Equal(("wrote tests/t_greet.sh (1 lines)", "wrote src/greet_test.go (1 lines)"), (test, named));
        Assert.StartsWith("the tester may write only **/test/**, **/tests/**", production.Message, StringComparison.Ordinal);
        Assert.EndsWith("app.sh is not one of them (the tester writes and runs tests; it changes no production code (report_bug for what the code needs))", production.Message, StringComparison.Ordinal);
        Assert.Contains("tests/../app.sh is not one of them", sneaky.Message, StringComparison.Ordinal);
        Assert.Equal("greet() { echo hello; }\n", File.ReadAllText(Path.Combine(Worktree, "app.sh")));
        Assert.False(tester.ContainsKey("run_command") && tester["run_command"].Withheld is null);
        Assert.Contains("Only these files: **/test/**", tester["write_file"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_docs_agent_writes_documentation_only_and_the_developer_anything()
    {
        var docs = Toolbox("docs");
        var developer = Toolbox("developer");

        await CallAsync(docs, "write_file", """{"path":"README.md","content":"# greet\n"}""");
        await CallAsync(docs, "write_file", """{"path":"docs/usage.html","content":"<p>greet</p>\n"}""");
        var code = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(
            () => CallAsync(docs, "write_file", """{"path":"app.sh","content":"x"}"""));
        await CallAsync(developer, "write_file", """{"path":"src/deep/new.sh","content":"echo new\n"}""");

        Assert.StartsWith("the docs may write only **/*.md", code.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Worktree, "src", "deep", "new.sh")));
        Assert.DoesNotContain("Only these files", developer["write_file"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_policy_replaces_the_default()
    {
        var tools = RoleToolbox.For("reviewer", new RolePolicy([ToolNames.ReadFile, ToolNames.GitDiff], []), _tools.All()).ToDictionary(t => t.Name);

        Assert.Equal(["read_file", "git_diff"], tools.Values.Where(t => t.Withheld is null).Select(t => t.Name));
        Assert.StartsWith("run_tests is not a tool of the reviewer", tools["run_tests"].Withheld, StringComparison.Ordinal);
    }
}
