using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Testing.Models;

namespace Wilson.Orchestration.Tests;

/// <summary>
/// The test-first pipeline end to end: red (the tests must fail, checked by running them: a tester who
/// claims red without a failing test is sent back), green (they must pass), refactor (they stay green),
/// verify, approval, merge.
/// </summary>
public sealed class TddPipelineTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private OrchestratorFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await OrchestratorFixture.StartAsync(
    [
        new ScriptedTurn { WhenContains = "wrote test.sh", ToolCalls = [new ScriptedToolCall("run_tests", "{}")] },
        new ScriptedTurn { WhenContains = "exit 1", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"the shout test fails"}""")] },
        new ScriptedTurn { WhenContains = "wrote app.sh", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"shout written"}""")] },
        new ScriptedTurn
        {
            WhenContains = "verification failed (attempt 1",
            ToolCalls = [new ScriptedToolCall("write_file", """{"path":"test.sh","content":". ./app.sh\n[ \"$(greet)\" = hello ] && [ \"$(shout)\" = HELLO ]\n"}""")],
            Once = true,
        },
        new ScriptedTurn { WhenContains = "T-1 Shout\nStage: red", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"nothing to test yet"}""")], Once = true },
        new ScriptedTurn
        {
            WhenContains = "T-1 Shout\nStage: green",
            ToolCalls = [new ScriptedToolCall("write_file", """{"path":"app.sh","content":"greet() { echo hello; }\nshout() { echo HELLO; }\n"}""")],
        },
        .. HonestAgents.Turns("fine as it is"),
    ]);

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task Red_then_green_then_refactor_then_verify_then_merged()
    {
        await _fixture.AddToAsync("tdd", "Shout");

        await _fixture.RunUntilAsync(() => _fixture.IsAsync("T-1", WorkStatus.Done), "Shout is merged", merging: true);

        var runs = await _fixture.Store.ListExecutionsAsync(_fixture.Project.Id, "T-1", Ct);
        Assert.Equal(["plan", "red", "green", "refactor", "verify"], runs.Select(r => r.Stage));
        Assert.All(runs, r => Assert.Equal(ExecutionResult.Pass, r.Result));
        var red = (await _fixture.Store.GetExecutionAsync(runs[1].Id, Ct))!;
        Assert.Contains("tests_fail", red.VerificationReport!, StringComparison.Ordinal);
        var events = await _fixture.EventsAsync("T-1");
        Assert.Contains(events, e => e.Type == EventTypes.AgentNotice && e.PayloadJson.Contains("but the tests must fail before the code is written", StringComparison.Ordinal));
        Assert.Equal("greet() { echo hello; }\nshout() { echo HELLO; }\n", File.ReadAllText(Path.Combine(_fixture.Root, "app.sh")));
        Assert.Contains("[ \"$(shout)\" = HELLO ]", File.ReadAllText(Path.Combine(_fixture.Root, "test.sh")), StringComparison.Ordinal);
    }
}
