using System.Collections.Concurrent;
using Wilson.Agents.Commands;
using Wilson.Agents.Git;
using Wilson.Agents.Running;
using Wilson.Agents.Verification;
using Wilson.Agents.Workspaces;
using Wilson.Core.Items;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Agents.Tests.Verification;

/// <summary>The developer's verify-and-fix loop with a scripted model that gets it wrong first.</summary>
public sealed class SelfFixingRunTests : IAsyncLifetime
{
    private readonly TempDirectory _worktree = new("wilson-selffix");
    private readonly ConcurrentQueue<AgentEvent> _events = new();
    private ScriptedModel _model = null!;

    public async Task InitializeAsync()
    {
        _model = await ScriptedModel.StartAsync(
        [
            // The last message decides first: the fix request, then the first attempt's briefing.
            new ScriptedTurn { WhenContains = "greet in greet.txt\n\nYou said the work passes", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"greet.txt","content":"hello\n"}""")], Once = true },
            new ScriptedTurn { WhenContains = "Briefing: greet", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"greet.txt","content":"helo\n"}""")], Once = true },
            new ScriptedTurn { WhenContains = "wrote greet.txt", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"greeted"}""")] },
            new ScriptedTurn { WhenContains = "Briefing: stubborn", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"greet.txt","content":"helo\n"}""")] },
        ]);
    }

    public async Task DisposeAsync()
    {
        await _model.DisposeAsync();
        _worktree.Dispose();
    }

    private SelfFixingRun Run(int maxAttempts)
    {
        var client = _model.Client();
        AgentTool[] tools = [ScriptedModel.WriteFile(new WorktreeFiles(_worktree.Path))];
        var runner = new CommandRunner(_worktree.Path, CommandPolicy.Default("main"),
            CommandEnvironment.Scrub(new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }), null, TimeProvider.System);
        var verifier = new Verifier(_worktree.Path, runner, new GitProcess(TestGit.Environment()), "");
        return new SelfFixingRun(
            (briefing, ct) => new AgentLoop(client, tools, new AgentBudget(), _events.Enqueue, TimeProvider.System).RunAsync("You are the developer.", briefing, ct),
            verifier,
            [new VerificationStep("file_contains", "greet.txt", "hello")],
            maxAttempts,
            _events.Enqueue);
    }

    [Fact]
    public async Task A_failed_verification_goes_back_to_the_developer_who_fixes_it()
    {
        var result = await Run(maxAttempts: 3).RunAsync("Briefing: greet in greet.txt", CancellationToken.None);

        Assert.True(result.Passed);
        Assert.Equal(2, result.Attempts);
        Assert.Equal("hello\n", File.ReadAllText(_worktree.Combine("greet.txt")));
        Assert.Contains(_events, e => e.Text.StartsWith("verification failed on attempt 1:\nFAIL file_contains greet.txt: greet.txt does not contain \"hello\"", StringComparison.Ordinal));
        Assert.Contains(_events, e => e.Text.StartsWith("verification passed on attempt 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_the_last_attempt_the_failed_report_is_the_result()
    {
        var result = await Run(maxAttempts: 2).RunAsync("Briefing: stubborn", CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal(2, result.Attempts);
        Assert.False(result.Report!.Passed);
        Assert.Equal(2, _events.Count(e => e.Text.StartsWith("verification failed", StringComparison.Ordinal)));
    }
}
