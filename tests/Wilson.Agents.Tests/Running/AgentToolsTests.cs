using System.Text.Json;
using Wilson.Agents.Commands;
using Wilson.Agents.Git;
using Wilson.Agents.Running;
using Wilson.Agents.Workspaces;
using Wilson.Testing;

namespace Wilson.Agents.Tests.Running;

/// <summary>Each tool as the model calls it, in a real git worktree.</summary>
public sealed class AgentToolsTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("wilson-tools");
    private readonly GitProcess _git = new(TestGit.Environment());
    private Dictionary<string, AgentTool> _tools = null!;

    private string Worktree => _directory.Combine("worktree");

    private string Artifacts => _directory.Combine("artifacts");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Worktree);
        await _git.RunAsync(Worktree, ["init", "--quiet", "--initial-branch=main"], CancellationToken.None);
        File.WriteAllText(Path.Combine(Worktree, "app.sh"), "greet() { echo hello; }\n");
        File.WriteAllText(Path.Combine(Worktree, "test.sh"), ". ./app.sh\n[ \"$(greet)\" = hello ] && echo 'tests: 1 passed'\n");
        await _git.RunAsync(Worktree, ["add", "--all"], CancellationToken.None);
        await _git.RunAsync(Worktree, ["commit", "--quiet", "-m", "start"], CancellationToken.None);
        var runner = new CommandRunner(Worktree, CommandPolicy.Default("main"),
            CommandEnvironment.Scrub(new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }), null, TimeProvider.System);
        _tools = new AgentTools(Worktree, Artifacts, runner, _git, "sh test.sh").All().ToDictionary(t => t.Name);
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    private Task<string> CallAsync(string tool, string arguments) => _tools[tool].Run(JsonDocument.Parse(arguments).RootElement, CancellationToken.None);

    [Fact]
    public async Task The_file_tools_read_write_edit_list_and_search()
    {
        await CallAsync("write_file", """{"path":"src/new.sh","content":"a\nb\nc\n"}""");
        await CallAsync("edit_file", """{"path":"src/new.sh","search":"b","replace":"B"}""");

        Assert.Equal("B\nc", await CallAsync("read_file", """{"path":"src/new.sh","from_line":2,"to_line":3}"""));
        Assert.Equal("app.sh\nsrc/new.sh\ntest.sh", await CallAsync("list_files", "{}"));
        Assert.Equal("app.sh:1:greet() { echo hello; }", await CallAsync("search", """{"text":"echo hello"}"""));
        Assert.Equal("no file contains \"nowhere\"", await CallAsync("search", """{"text":"nowhere"}"""));
    }

    [Fact]
    public async Task Commands_and_tests_run_through_the_runner_and_report_exit_and_output()
    {
        Assert.Equal("exit 0\ntests: 1 passed\n", await CallAsync("run_tests", "{}"));
        Assert.Equal("exit 3\noops\n", await CallAsync("run_command", """{"command":"echo oops; exit 3"}"""));
        Assert.StartsWith("refused: it asks for root", await CallAsync("run_command", """{"command":"sudo ls"}"""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Git_status_and_diff_show_what_changed()
    {
        Assert.Equal("nothing changed", await CallAsync("git_status", "{}"));

        await CallAsync("edit_file", """{"path":"app.sh","search":"hello","replace":"hi"}""");

        Assert.Equal("M app.sh", await CallAsync("git_status", "{}"));
        var diff = await CallAsync("git_diff", "{}");
        Assert.Contains("-greet() { echo hello; }", diff, StringComparison.Ordinal);
        Assert.Contains("+greet() { echo hi; }", diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Artifacts_are_saved_outside_the_worktree()
    {
        Assert.Equal("saved artifact review.md", await CallAsync("save_artifact", """{"name":"review.md","content":"looks good"}"""));

        Assert.Equal("looks good", File.ReadAllText(Path.Combine(Artifacts, "review.md")));
        Assert.Equal("nothing changed", await CallAsync("git_status", "{}"));
    }

    [Fact]
    public async Task Escapes_are_refused_by_every_file_tool()
    {
        await Assert.ThrowsAsync<ToolException>(() => CallAsync("read_file", """{"path":"/etc/passwd"}"""));
        await Assert.ThrowsAsync<ToolException>(() => CallAsync("write_file", """{"path":"../x","content":"x"}"""));
        await Assert.ThrowsAsync<ToolException>(() => CallAsync("edit_file", """{"path":".git/config","search":"a","replace":"b"}"""));
        await Assert.ThrowsAsync<ToolException>(() => CallAsync("list_files", """{"directory":"../"}"""));
    }
}
