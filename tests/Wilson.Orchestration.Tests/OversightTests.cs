using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Workflow;
using Wilson.Orchestration.Oversight;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Orchestration.Tests;

/// <summary>
/// A person steering the work while agents run it, through the oversight service: pause and resume
/// mid-run (the same execution goes on), feedback into the running agent's next turn, cancel, approve,
/// reject, skip, reset, force-complete; and each refusal says why and changes nothing.
/// </summary>
public sealed class OversightTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Actor Ada = Actor.Person("ada");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private OrchestratorFixture _fixture = null!;

    private PersonOversight Oversight => new(_fixture.Store, _fixture.Project, _fixture.Pipelines, TimeProvider.System);

    public async Task InitializeAsync() => _fixture = await OrchestratorFixture.StartAsync(
    [
        new ScriptedTurn { WhenContains = "T-1 Slow\nStage: develop", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"sleep 1; echo one | tee one.txt"}""")] },
        new ScriptedTurn { WhenContains = "exit 0\none", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"echo two"}""")] },
        new ScriptedTurn { WhenContains = "exit 0\ntwo", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"both done"}""")] },
        new ScriptedTurn { WhenContains = "say hi instead", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"took the feedback"}""")] },
        new ScriptedTurn { WhenContains = "T-1 Listen\nStage: develop", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"sleep 1; echo waiting | tee waiting.txt"}""")] },
        new ScriptedTurn { WhenContains = "exit 0\nwaiting", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"never heard a thing"}""")] },
        new ScriptedTurn { WhenContains = "T-1 Endless\nStage: develop", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"sleep 30"}""")] },
        .. HonestAgents.Turns("done at once"),
    ]);

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    private async Task<(CancellationTokenSource Stop, Task Running, Scheduling.Orchestrator Orchestrator)> StartAsync()
    {
        var stop = new CancellationTokenSource();
        var orchestrator = _fixture.Orchestrator();
        var running = orchestrator.RunAsync(stop.Token);
        await Task.Yield();
        return (stop, running, orchestrator);
    }

    private static async Task StopAsync((CancellationTokenSource Stop, Task Running, Scheduling.Orchestrator Orchestrator) run)
    {
        await run.Stop.CancelAsync();
        await run.Running;
        run.Stop.Dispose();
    }

    private Task<IReadOnlyList<Execution>> ExecutionsAsync(string key) => _fixture.Store.ListExecutionsAsync(_fixture.Project.Id, key, Ct);

    [Fact]
    public async Task A_running_agent_paused_stops_at_its_next_step_and_resumes_in_the_same_execution()
    {
        await _fixture.AddAsync("Slow");
        var run = await StartAsync();
        await Eventually.True(() => run.Orchestrator.Workers is [{ Step: > 0 }], "Slow's first command runs", Patience);

        await Oversight.PauseAsync("T-1", "let me look", Ada, Ct);
        await Eventually.True(() => run.Orchestrator.Workers is [{ Paused: true }], "the worker shows paused", Patience);
        // As another process reads it: the store's worker status, and the item itself.
        await Eventually.TrueAsync(
            async () => await _fixture.Store.ListWorkersAsync(_fixture.Project.Id, Ct) is [{ ItemKey: "T-1", Paused: true, PausedBy.Name: "ada", Step: > 0 }],
            "the store shows the run paused by ada", Patience);
        Assert.Equal((true, Ada), ((await _fixture.ItemAsync("T-1")).Context.RunPaused, (await _fixture.ItemAsync("T-1")).Context.RunPausedBy));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var paused = (await _fixture.Store.GetExecutionAsync((await ExecutionsAsync("T-1"))[0].Id, Ct))!;
        Assert.Single(paused.Transcript);
        Assert.Equal(WorkStatus.Running, (await _fixture.ItemAsync("T-1")).Status);

        await Oversight.ResumeAsync("T-1", "go on", Ada, Ct);
        await Eventually.TrueAsync(() => _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval), "Slow finishes after the resume", Patience);
        await StopAsync(run);
        Assert.Empty(await _fixture.Store.ListWorkersAsync(_fixture.Project.Id, Ct));
        Assert.Null((await _fixture.ItemAsync("T-1")).Context.RunPausedBy);

        var develop = (await ExecutionsAsync("T-1"))[0];
        Assert.Equal(("develop", ExecutionResult.Pass, "both done"), (develop.Stage, develop.Result!.Value, develop.Summary));
        Assert.Equal(3, (await _fixture.Store.GetExecutionAsync(develop.Id, Ct))!.Transcript.Count);
        var events = await _fixture.EventsAsync("T-1");
        Assert.Equal(Ada, events.Single(e => e.Type == EventTypes.RunPaused).Actor);
        Assert.Contains(events, e => e.Type == EventTypes.AgentNotice && e.PayloadJson.Contains("paused: waiting to be resumed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_a_person_paused_stays_paused_when_the_whole_project_is_paused_and_resumed()
    {
        await _fixture.AddAsync("Slow");
        var run = await StartAsync();
        await Eventually.True(() => run.Orchestrator.Workers is [{ Step: > 0 }], "Slow's first command runs", Patience);
        await Oversight.PauseAsync("T-1", "let me look", Ada, Ct);
        await Eventually.True(() => run.Orchestrator.Workers is [{ Paused: true }], "the run is paused", Patience);

        await Oversight.PauseProjectAsync(true, "everyone stop", Actor.Person("bob"), Ct);
        await Oversight.PauseProjectAsync(false, "go on", Actor.Person("bob"), Ct);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.True(run.Orchestrator.Workers is [{ Paused: true, PausedBy.Name: "ada" }], "the project's resume let go of a run ada holds");
        Assert.Single((await _fixture.Store.GetExecutionAsync((await ExecutionsAsync("T-1"))[0].Id, Ct))!.Transcript);

        await Oversight.ResumeAsync("T-1", "go on", Ada, Ct);
        await Eventually.TrueAsync(() => _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval), "Slow finishes after ada's resume", Patience);
        await StopAsync(run);
    }

    [Fact]
    public async Task A_paused_run_stays_paused_after_Wilson_stops_until_a_person_resumes_it()
    {
        await _fixture.AddAsync("Slow");
        var first = await StartAsync();
        await Eventually.True(() => first.Orchestrator.Workers is [{ Step: > 0 }], "Slow's first command runs", Patience);
        await Oversight.PauseAsync("T-1", "let me look", Ada, Ct);
        await Eventually.True(() => first.Orchestrator.Workers is [{ Paused: true }], "the run is paused", Patience);
        await StopAsync(first);
        Assert.Equal(WorkStatus.Ready, (await _fixture.ItemAsync("T-1")).Status);

        var second = await StartAsync();
        await Eventually.True(() => second.Orchestrator.Workers is [{ Paused: true }], "the next run starts paused", Patience);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, second.Orchestrator.Workers[0].Step);

        await Oversight.ResumeAsync("T-1", "go on", Ada, Ct);
        await Eventually.TrueAsync(() => _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval), "Slow finishes after the resume", Patience);
        await StopAsync(second);
    }

    [Fact]
    public async Task Feedback_reaches_the_running_agent_at_its_next_turn()
    {
        await _fixture.AddAsync("Listen");
        var run = await StartAsync();
        await Eventually.True(() => run.Orchestrator.Workers is [{ Step: > 0 }], "Listen's command runs", Patience);

        await Oversight.FeedbackAsync("T-1", "say hi instead", Ada, Ct);
        await Eventually.TrueAsync(() => _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval), "Listen finishes", Patience);
        await StopAsync(run);

        Assert.Equal("took the feedback", (await ExecutionsAsync("T-1"))[0].Summary);
        Assert.Empty(await _fixture.Store.TakeFeedbackAsync(_fixture.Project.Id, "T-1", Ct));
    }

    [Fact]
    public async Task Cancelling_a_running_item_stops_its_agent_at_once()
    {
        await _fixture.AddAsync("Endless");
        var run = await StartAsync();
        await Eventually.True(() => run.Orchestrator.Workers is [{ Step: > 0 }], "Endless's command runs", Patience);

        var cancelled = await Oversight.CancelAsync("T-1", "not needed", Ada, Ct);
        await Eventually.True(() => run.Orchestrator.Workers.Count == 0, "the worker stops", TimeSpan.FromSeconds(5));
        await StopAsync(run);

        Assert.Equal(WorkStatus.Cancelled, cancelled.Status);
        Assert.Equal(WorkStatus.Cancelled, (await _fixture.ItemAsync("T-1")).Status);
        Assert.Equal(ExecutionResult.Cancelled, Assert.Single(await ExecutionsAsync("T-1")).Result);
    }

    [Fact]
    public async Task Approve_and_reject_decide_items_waiting_for_approval()
    {
        await _fixture.AddAsync("Yes");
        await _fixture.AddAsync("No");
        await _fixture.RunUntilAsync(async () => await _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval) && await _fixture.IsAsync("T-2", WorkStatus.AwaitingApproval),
            "both wait for approval");

        var approval = await Oversight.ApproveAsync("T-1", "fine", Ada, Ct);
        var rejected = await Oversight.RejectAsync("T-2", "the greeting is rude", Ada, Ct);

        Assert.Equal((true, Ada), (approval.Approved, approval.DecidedBy));
        Assert.Equal(["T-1"], (await _fixture.Store.ListApprovedAsync(_fixture.Project.Id, Ct)).Select(i => i.Key));
        Assert.Equal(("develop", WorkStatus.Ready), (rejected.Stage, rejected.Status));
        Assert.Equal("Rejected at review: the greeting is rude", Assert.Single(await _fixture.Store.TakeFeedbackAsync(_fixture.Project.Id, "T-2", Ct)).Text);
        Assert.Contains(await _fixture.EventsAsync("T-2"), e => e.Type == EventTypes.ItemRejected && e.Actor == Ada);
    }

    [Fact]
    public async Task Skip_reset_and_force_complete_move_an_item_where_a_person_says()
    {
        await _fixture.AddAsync("Moved");

        var skipped = await Oversight.SkipStageAsync("T-1", "no code needed", Ada, Ct);
        var reset = await Oversight.ResetAsync("T-1", "develop", "after all", Ada, Ct);
        var done = await Oversight.ForceCompleteAsync("T-1", "done by hand", Ada, Ct);

        Assert.Equal(("review", "develop", WorkStatus.Done), (skipped.Stage, reset.Stage, done.Status));
    }

    [Fact]
    public async Task A_reassigned_role_runs_the_items_next_stage()
    {
        await _fixture.AddAsync("Tested");

        var reassigned = await Oversight.ReassignAsync("T-1", "tester", null, [FakeModelScript.DefaultModelName], "the tester knows it", Ada, Ct);
        await _fixture.RunUntilAsync(() => _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval), "Tested runs its stages");

        Assert.Equal(("tester", (string?)null), (reassigned.Context.Role, reassigned.Context.Model));
        Assert.All(await ExecutionsAsync("T-1"), e => Assert.Equal("tester", e.Role));
        Assert.Contains(await _fixture.EventsAsync("T-1"), e => e.Type == EventTypes.ItemReassigned && e.Actor == Ada && e.PayloadJson.Contains("the tester knows it", StringComparison.Ordinal));
        var wrongRole = await Assert.ThrowsAsync<OversightException>(() => Oversight.ReassignAsync("T-1", "boss", null, [], "why not", Ada, Ct));
        var wrongModel = await Assert.ThrowsAsync<OversightException>(() => Oversight.ReassignAsync("T-1", null, "gpt-9", [FakeModelScript.DefaultModelName], "why not", Ada, Ct));
        Assert.Equal("unknown role 'boss'; roles: planner, developer, tester, reviewer, security, docs", wrongRole.Message);
        Assert.Equal($"no model 'gpt-9' in wilson.yaml; models: {FakeModelScript.DefaultModelName}", wrongModel.Message);
    }

    [Fact]
    public async Task Actions_that_make_no_sense_are_refused_saying_why_and_change_nothing()
    {
        var item = await _fixture.AddAsync("Waiting");
        var done = await _fixture.AddAsync("Finished");
        await Oversight.ForceCompleteAsync(done.Key, "done", Ada, Ct);

        var early = await Assert.ThrowsAsync<OversightException>(() => Oversight.ApproveAsync("T-1", "yes", Ada, Ct));
        var late = await Assert.ThrowsAsync<OversightException>(() => Oversight.FeedbackAsync("T-2", "more", Ada, Ct));
        var unknown = await Assert.ThrowsAsync<OversightException>(() => Oversight.PauseAsync("T-9", "why not", Ada, Ct));
        var stage = await Assert.ThrowsAsync<OversightException>(() => Oversight.ResetAsync("T-1", "deploy", "go", Ada, Ct));
        var notPaused = await Assert.ThrowsAsync<OversightException>(() => Oversight.ResumeAsync("T-1", "go", Ada, Ct));
        var rejectEarly = await Assert.ThrowsAsync<OversightException>(() => Oversight.RejectAsync("T-1", "no", Ada, Ct));

        Assert.Equal("T-1 is not awaiting approval: it is Ready at develop", early.Message);
        Assert.Equal("T-2 is Done: no agent will work on it again, so feedback would not be read", late.Message);
        Assert.Equal("no item T-9 in project greeter", unknown.Message);
        Assert.Equal("pipeline 'quick' has no stage 'deploy' (stages: develop, review, done)", stage.Message);
        Assert.Equal("T-1 is not paused (it is Ready at stage develop)", notPaused.Message);
        Assert.Equal("T-1 is not awaiting approval: it is Ready at develop", rejectEarly.Message);
        Assert.Equal(item.Version, (await _fixture.ItemAsync("T-1")).Version);
        Assert.Empty(await _fixture.Store.TakeFeedbackAsync(_fixture.Project.Id, "T-1", Ct));
    }
}
