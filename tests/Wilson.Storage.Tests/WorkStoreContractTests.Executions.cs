using System.Text.Json;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Usage;
using Wilson.Core.Workflow;
using Wilson.Testing;

namespace Wilson.Storage.Tests;

/// <summary>Executions: an agent's run on an item, its transcript, and its end.</summary>
public abstract partial class WorkStoreContractTests
{
    private static readonly Actor Developer = Actor.Agent("developer");

    private Task<Execution> StartAsync(string itemKey = "T-1", string stage = "develop") =>
        Store.StartExecutionAsync(new NewExecution(Project.Id, itemKey, stage, "developer", "worker-1", """{"from":"plan"}"""), Developer, Ct);

    [Fact]
    public async Task StartExecutionAsync_OpensARunningExecution_AndAppendsItsEvent()
    {
        await AddAsync("Parser");

        var execution = await StartAsync();

        Assert.True(execution.Id > 0);
        Assert.Equal(("T-1", "develop", "developer", "worker-1"), (execution.ItemKey, execution.Stage, execution.Role, execution.Worker));
        Assert.Equal(Time.GetUtcNow(), execution.StartedAt);
        Assert.Null(execution.EndedAt);
        Assert.Null(execution.Result);
        Assert.Equal("""{"from":"plan"}""", execution.HandoffIn);
        var started = (await Store.ReadEventsAsync(new EventQuery { ProjectId = Project.Id, ItemKey = "T-1" }, Ct))[^1];
        Assert.Equal(EventTypes.ExecutionStarted, started.Type);
        Assert.Equal(execution.Id, JsonDocument.Parse(started.PayloadJson).RootElement.GetProperty("executionId").GetInt64());
        Assert.Equal(Developer, started.Actor);
    }

    [Fact]
    public async Task Transcript_StepsComeBackInOrder_WithTheExecution()
    {
        var execution = await StartAsync();

        await Store.AppendTranscriptStepAsync(execution.Id, new TranscriptStep(2, "now the test", """[{"name":"run_tests"}]""", """["exit 0"]""", Time.GetUtcNow()), Ct);
        await Store.AppendTranscriptStepAsync(execution.Id, new TranscriptStep(1, "I will read it", """[{"name":"read_file"}]""", """["hello"]""", Time.GetUtcNow()), Ct);

        var read = await Store.GetExecutionAsync(execution.Id, Ct);
        Assert.Equal([1, 2], read!.Transcript.Select(s => s.Number));
        Assert.Equal(("I will read it", """[{"name":"read_file"}]""", """["hello"]"""),
            (read.Transcript[0].ModelOutput, read.Transcript[0].ToolCallsJson, read.Transcript[0].ToolResultsJson));
        Assert.Empty((await Store.ListExecutionsAsync(Project.Id, "T-1", Ct)).Single().Transcript);
    }

    [Fact]
    public async Task AppendTranscriptStepAsync_SameStepTwice_IsRefused()
    {
        var execution = await StartAsync();
        var step = new TranscriptStep(1, "text", "[]", "[]", Time.GetUtcNow());
        await Store.AppendTranscriptStepAsync(execution.Id, step, Ct);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AppendTranscriptStepAsync(execution.Id, step, Ct));

        Assert.Contains("already has step 1", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FinishExecutionAsync_RecordsTheEnd_SumsItsModelCalls_AndAppendsItsEvent()
    {
        var execution = await StartAsync();
        ModelCall Call(long? executionId, long tokensIn, long tokensOut, long costMicros) => new()
        {
            ProjectId = Project.Id, ItemKey = "T-1", ExecutionId = executionId, Purpose = "code", Model = "coder:7b", Endpoint = "local",
            InputTokens = tokensIn, OutputTokens = tokensOut, CostMicros = costMicros, At = Time.GetUtcNow(), Duration = TimeSpan.FromSeconds(1),
        };
        await Store.RecordModelCallAsync(Call(execution.Id, 1_000, 200, 1_500), Ct);
        await Store.RecordModelCallAsync(Call(execution.Id, 500, 100, 750), Ct);
        await Store.RecordModelCallAsync(Call(execution.Id + 1, 9_999, 9_999, 9_999), Ct);
        Time.Advance(TimeSpan.FromMinutes(3));

        var finished = await Store.FinishExecutionAsync(execution.Id, new ExecutionEnd(ExecutionResult.Pass, "parser written")
        {
            HandoffOut = """{"files":["parser.py"]}""", VerificationReport = """{"passed":true}""", Model = "coder:7b",
        }, Developer, Ct);

        Assert.Equal(ExecutionResult.Pass, finished.Result);
        Assert.Equal(execution.StartedAt + TimeSpan.FromMinutes(3), finished.EndedAt);
        Assert.Equal(("parser written", """{"files":["parser.py"]}""", """{"passed":true}""", "coder:7b"),
            (finished.Summary, finished.HandoffOut, finished.VerificationReport, finished.Model));
        Assert.Equal((1_500L, 300L, 0.00225m), (finished.TokensIn, finished.TokensOut, finished.Cost));
        Assert.Equal(finished, await Store.GetExecutionAsync(execution.Id, Ct) is { } read ? read with { Transcript = finished.Transcript } : null);
        var ended = (await Store.ReadEventsAsync(new EventQuery { ProjectId = Project.Id, ItemKey = "T-1" }, Ct))[^1];
        Assert.Equal(EventTypes.ExecutionFinished, ended.Type);
        Assert.Equal("Pass", JsonDocument.Parse(ended.PayloadJson).RootElement.GetProperty("result").GetString());
    }

    [Fact]
    public async Task FinishedExecution_CannotFinishAgainOrTakeSteps()
    {
        var execution = await StartAsync();
        await Store.FinishExecutionAsync(execution.Id, new ExecutionEnd(ExecutionResult.Blocked, "which database?"), Developer, Ct);

        var again = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Store.FinishExecutionAsync(execution.Id, new ExecutionEnd(ExecutionResult.Pass, "done"), Developer, Ct));
        var step = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Store.AppendTranscriptStepAsync(execution.Id, new TranscriptStep(1, "", "[]", "[]", Time.GetUtcNow()), Ct));

        Assert.Contains("already ended (Blocked)", again.Message, StringComparison.Ordinal);
        Assert.Contains("already ended", step.Message, StringComparison.Ordinal);
        Assert.Equal(ExecutionResult.Blocked, (await Store.GetExecutionAsync(execution.Id, Ct))!.Result);
    }

    [Fact]
    public async Task UnknownExecution_IsNullToRead_AndRefusedToWrite()
    {
        Assert.Null(await Store.GetExecutionAsync(4_242, Ct));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Store.FinishExecutionAsync(4_242, new ExecutionEnd(ExecutionResult.Pass, "done"), Developer, Ct));
        Assert.Contains("execution 4242 does not exist", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListExecutionsAsync_ReturnsOneItemsRunsOldestFirst()
    {
        var develop = await StartAsync("T-1", "develop");
        await StartAsync("T-2", "develop");
        var test = await StartAsync("T-1", "test");

        var listed = await Store.ListExecutionsAsync(Project.Id, "T-1", Ct);

        Assert.Equal([develop.Id, test.Id], listed.Select(e => e.Id));
        Assert.Equal(["develop", "test"], listed.Select(e => e.Stage));
    }

    [Fact]
    public async Task ListOpenExecutionsAsync_ThoseNotEnded_OfOneProjectOrAll()
    {
        var other = await TestStores.RegisterAsync(Store, "other", Ct);
        var first = await StartAsync("T-1", "develop");
        var ended = await StartAsync("T-2", "develop");
        var elsewhere = await Store.StartExecutionAsync(new NewExecution(other.Id, "T-1", "develop", "developer", "worker-2", "{}"), Developer, Ct);
        var last = await StartAsync("T-1", "test");
        await Store.FinishExecutionAsync(ended.Id, new ExecutionEnd(ExecutionResult.Pass, "done"), Developer, Ct);

        var ofProject = await Store.ListOpenExecutionsAsync(Project.Id, Ct);
        var ofAll = await Store.ListOpenExecutionsAsync(null, Ct);

        Assert.Equal([first.Id, last.Id], ofProject.Select(e => e.Id));
        Assert.All(ofProject, e => Assert.Null(e.EndedAt));
        Assert.Equal([first.Id, elsewhere.Id, last.Id], ofAll.Select(e => e.Id));
        Assert.Empty(await Store.ListOpenExecutionsAsync(other.Id + 1000, Ct));
    }

    [Fact]
    public async Task ListOpenExecutionsAsync_NoneRunning_IsEmpty()
    {
        var execution = await StartAsync();
        await Store.FinishExecutionAsync(execution.Id, new ExecutionEnd(ExecutionResult.Fail, "tests fail"), Developer, Ct);

        Assert.Empty(await Store.ListOpenExecutionsAsync(Project.Id, Ct));
        Assert.Empty(await Store.ListOpenExecutionsAsync(null, Ct));
    }
}
