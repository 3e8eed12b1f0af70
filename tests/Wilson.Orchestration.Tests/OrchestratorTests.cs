using System.Text.Json;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Orchestration.Pipelines;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Orchestration.Tests;

/// <summary>
/// The scheduler, workers and pipeline engine together on a real repository, a real SQLite store and
/// agents on the fake model server: items move through their stages on their own, in parallel, back on
/// failure with the failure as feedback, to a person when blocked, after their dependencies, and are
/// handed back when Wilson stops.
/// </summary>
public sealed class OrchestratorTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private OrchestratorFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await OrchestratorFixture.StartAsync(
    [
        // A backlog that keeps one project busy.
        new ScriptedTurn { WhenContains = "exit 0\nbusy", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"one more done"}""")] },
        new ScriptedTurn { WhenContains = "Backlog", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"sleep 0.4; echo busy | tee busy.txt"}""")] },

        // Alpha and Beta: each develop step takes long enough that the two workers overlap even when the
        // second one is slow to start (0.6 s failed once in a full parallel run on 2 cores).
        new ScriptedTurn { WhenContains = "T-1 Alpha\nStage: develop", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"sleep 1.5; echo alpha | tee alpha.txt"}""")] },
        new ScriptedTurn { WhenContains = "T-2 Beta\nStage: develop", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"sleep 1.5; echo beta | tee beta.txt"}""")] },
        new ScriptedTurn { WhenContains = "exit 0\nalpha", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"alpha written","handoff":"{\"files\":[\"alpha.txt\"]}"}""")] },
        new ScriptedTurn { WhenContains = "exit 0\nbeta", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"beta written"}""")] },

        // Gamma: the review fails once; the developer gets the reason and fixes it.
        new ScriptedTurn { WhenContains = "wrote greeting.txt", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"renamed"}""")] },
        new ScriptedTurn { WhenContains = "The review stage failed: name the greeting", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"greeting.txt","content":"hello\n"}""")] },
        new ScriptedTurn { WhenContains = "wrote gamma.txt", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"gamma written"}""")] },
        new ScriptedTurn { WhenContains = "T-1 Gamma\nStage: develop", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"gamma.txt","content":"gamma\n"}""")] },
        new ScriptedTurn { WhenContains = "T-1 Gamma\nStage: review", ToolCalls = [new ScriptedToolCall("finish", """{"result":"fail","summary":"name the greeting"}""")], Once = true },

        // Stubborn never passes develop.
        new ScriptedTurn { WhenContains = "T-1 Stubborn\nStage: develop", ToolCalls = [new ScriptedToolCall("finish", """{"result":"fail","summary":"still broken"}""")] },

        // Delta asks a question; Epsilon runs until stopped.
        new ScriptedTurn { WhenContains = "T-1 Delta\nStage: develop", ToolCalls = [new ScriptedToolCall("finish", """{"result":"blocked","summary":"which greeting?"}""")] },
        new ScriptedTurn { WhenContains = "T-1 Epsilon\nStage: develop", ToolCalls = [new ScriptedToolCall("run_command", """{"command":"sleep 30"}""")] },

        // Reviews read the change and pass; dependent work is written in one step.
        new ScriptedTurn { WhenContains = "diff --git", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"looks right"}""")] },
        new ScriptedTurn { WhenContains = "Stage: review", ToolCalls = [new ScriptedToolCall("git_diff", "{}")] },
        new ScriptedTurn { WhenContains = "wrote done.txt", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"done at once"}""")] },
        new ScriptedTurn { WhenContains = "Stage: develop", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"done.txt","content":"done\n"}""")] },
    ]);

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    private Task<IReadOnlyList<Execution>> ExecutionsAsync(string key) => _fixture.Store.ListExecutionsAsync(_fixture.Project.Id, key, Ct);

    [Fact]
    public async Task Independent_items_run_in_parallel_through_their_stages_to_approval()
    {
        await _fixture.AddAsync("Alpha");
        await _fixture.AddAsync("Beta");

        await _fixture.RunUntilAsync(async () => await _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval, "review") && await _fixture.IsAsync("T-2", WorkStatus.AwaitingApproval, "review"),
            "both items wait for approval after their review");

        var alpha = await ExecutionsAsync("T-1");
        var beta = await ExecutionsAsync("T-2");
        Assert.Equal([("develop", ExecutionResult.Pass), ("review", ExecutionResult.Pass)], alpha.Select(e => (e.Stage, e.Result!.Value)));
        Assert.Equal([("develop", ExecutionResult.Pass), ("review", ExecutionResult.Pass)], beta.Select(e => (e.Stage, e.Result!.Value)));
        Assert.True(beta[0].StartedAt < alpha[0].EndedAt && alpha[0].StartedAt < beta[0].EndedAt, "the two develop stages ran at the same time");
        Assert.NotEqual(alpha[0].Worker, beta[0].Worker);
        Assert.NotEqual(alpha[0].Worker, alpha[1].Worker);
        Assert.Equal("""{"files":["alpha.txt"]}""", alpha[1].HandoffIn);
        Assert.Equal("alpha\n", File.ReadAllText(Path.Combine(_fixture.Workspace.Worktrees.PathOf("T-1"), "alpha.txt")));
        var types = (await _fixture.Store.ReadEventsAsync(new EventQuery { ProjectId = _fixture.Project.Id, ItemKey = "T-1", Limit = 10_000 }, Ct)).Select(e => e.Type).ToList();
        Assert.Equal(2, types.Count(t => t == EventTypes.WorkerStarted));
        Assert.Equal(2, types.Count(t => t == EventTypes.WorkerFinished));
    }

    [Fact]
    public async Task A_failed_review_sends_the_item_back_to_develop_with_the_reason_after_a_wait()
    {
        await _fixture.AddAsync("Gamma");

        await _fixture.RunUntilAsync(() => _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval, "review"), "Gamma passes its second review");

        var runs = await ExecutionsAsync("T-1");
        Assert.Equal(
            [("develop", ExecutionResult.Pass), ("review", ExecutionResult.Fail), ("develop", ExecutionResult.Pass), ("review", ExecutionResult.Pass)],
            runs.Select(e => (e.Stage, e.Result!.Value)));
        Assert.Equal("renamed", runs[2].Summary);
        Assert.True(runs[2].StartedAt - runs[1].EndedAt!.Value >= TimeSpan.FromMilliseconds(250), $"waited {runs[2].StartedAt - runs[1].EndedAt}");
        var moves = await _fixture.Store.ReadEventsAsync(new EventQuery { ProjectId = _fixture.Project.Id, ItemKey = "T-1", Limit = 10_000 }, Ct);
        Assert.Contains(moves, e => e.Type == EventTypes.ItemTransitioned && e.PayloadJson.Contains("review failed (1 of 5): name the greeting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_trivial_item_passes_a_mechanical_stage_by_its_checks_without_a_model()
    {
        var added = await _fixture.Store.AddItemAsync(_fixture.Project.Id, new NewWorkItem
        {
            Title = "Fix a typo", AcceptanceCriteria = ["`sh test.sh` passes"], Pipeline = "quick", Tier = ComplexityTier.Trivial,
        }, Actor.Person("ada"), Ct);
        Assert.True(added.Succeeded, added.Error);

        await _fixture.RunUntilAsync(() => _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval, "review"), "the typo fix waits for approval");

        var review = (await ExecutionsAsync("T-1")).Single(e => e.Stage == "review");
        Assert.Equal((ExecutionResult.Pass, (string?)null, 0L), (review.Result!.Value, review.Model, review.TokensIn + review.TokensOut));
        Assert.Equal("trivial work, checked mechanically:\nPASS command_succeeds sh test.sh: `sh test.sh` exited 0", review.Summary);
        Assert.DoesNotContain(_fixture.Server.Requests, r => r.Body.Contains("Stage: review", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Repeated_failures_escalate_to_the_stronger_model_then_to_a_person()
    {
        await _fixture.AddAsync("Stubborn");

        await _fixture.RunUntilAsync(() => _fixture.IsAsync("T-1", WorkStatus.Blocked, "develop"), "Stubborn reaches a person", OrchestratorFixture.Options with
        {
            Retry = new RetryPolicy { FirstBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(20) },
        });

        var models = (await ExecutionsAsync("T-1")).Select(e => e.Model).ToList();
        Assert.Equal([FakeModelScript.DefaultModelName, FakeModelScript.DefaultModelName, FakeModelScript.DefaultModelName, OrchestratorFixture.StrongModel, OrchestratorFixture.StrongModel], models);
    }

    [Fact]
    public async Task A_busy_project_does_not_starve_another_in_the_same_store()
    {
        for (var i = 1; i <= 12; i++)
        {
            await _fixture.Store.AddItemAsync(_fixture.Project.Id, new NewWorkItem
            {
                Title = $"Backlog {i}", AcceptanceCriteria = ["done"], Pipeline = "quick", Priority = 1,
            }, Actor.Person("ada"), Ct);
        }

        var (other, runner) = await _fixture.AddProjectAsync("other");
        await _fixture.Store.AddItemAsync(other.Id, new NewWorkItem { Title = "Small thing", AcceptanceCriteria = ["done"], Pipeline = "quick", Priority = 9 }, Actor.Person("bob"), Ct);
        using var stop = new CancellationTokenSource();
        var one = OrchestratorFixture.Options with { Workers = 1 };
        var busy = _fixture.Orchestrator(one).RunAsync(stop.Token);
        var small = new Scheduling.Orchestrator(_fixture.Store, other, _fixture.Pipelines, runner, one, TimeProvider.System).RunAsync(stop.Token);

        await Eventually.TrueAsync(async () => (await _fixture.Store.GetItemAsync(other.Id, "T-1", Ct))!.Status == WorkStatus.AwaitingApproval,
            "the other project's item is done", Patience);
        var backlogDone = (await _fixture.Store.ListItemsAsync(_fixture.Project.Id, new ItemQuery { Statuses = [WorkStatus.AwaitingApproval] }, Ct)).Items.Count;
        await stop.CancelAsync();
        await Task.WhenAll(busy, small);

        // Each project has its own scheduler and workers: the backlog of one is no queue for the other.
        Assert.InRange(backlogDone, 0, 6);
    }

    [Fact]
    public async Task As_a_hosted_service_it_runs_until_the_host_stops_it_and_hands_the_item_back()
    {
        await _fixture.AddAsync("Epsilon");
        var orchestrator = _fixture.Orchestrator();
        using var service = new Scheduling.OrchestratorService(orchestrator);

        await service.StartAsync(Ct);
        await Eventually.True(() => orchestrator.Workers is [{ Step: > 0 }], "Epsilon's command runs", Patience);
        await service.StopAsync(Ct);

        Assert.True(await _fixture.IsAsync("T-1", WorkStatus.Ready, "develop"), "the item is handed back");
    }

    [Fact]
    public async Task A_blocked_agent_leaves_the_item_blocked_with_its_question()
    {
        await _fixture.AddAsync("Delta");

        await _fixture.RunUntilAsync(() => _fixture.IsAsync("T-1", WorkStatus.Blocked, "develop"), "Delta is blocked");

        var blocked = (await _fixture.Store.ReadEventsAsync(new EventQuery { ProjectId = _fixture.Project.Id, ItemKey = "T-1", Limit = 10_000 }, Ct))
            .Last(e => e.Type == EventTypes.ItemTransitioned);
        Assert.Equal("develop needs a person: which greeting?", JsonDocument.Parse(blocked.PayloadJson).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_stage_that_cannot_even_start_counts_as_a_failure_until_a_person_must_look()
    {
        await _fixture.AddAsync("Zeta");
        Directory.CreateDirectory(_fixture.Workspace.Worktrees.Root);
        File.WriteAllText(_fixture.Workspace.Worktrees.PathOf("T-1"), "a file where the worktree should go");

        await _fixture.RunUntilAsync(() => _fixture.IsAsync("T-1", WorkStatus.Blocked, "develop"), "Zeta is blocked after its retries", OrchestratorFixture.Options with
        {
            Retry = new RetryPolicy { FirstBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(20) },
        });

        var runs = await ExecutionsAsync("T-1");
        Assert.Equal(5, runs.Count);
        Assert.All(runs, run => Assert.Equal(ExecutionResult.Fail, run.Result));
        Assert.All(runs, run => Assert.StartsWith("error: git worktree add", run.Summary, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dependent_item_waits_for_its_dependency_to_be_done_and_is_woken_by_it()
    {
        await _fixture.AddAsync("Alpha");
        await _fixture.AddAsync("Beta", "T-1");
        using var stop = new CancellationTokenSource();
        var running = _fixture.Orchestrator().RunAsync(stop.Token);

        await Eventually.TrueAsync(() => _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval, "review"), "Alpha waits for approval", Patience);
        Assert.True(await _fixture.IsAsync("T-2", WorkStatus.Ready, "develop"), "Beta waits while Alpha is not done");
        Assert.Empty(await ExecutionsAsync("T-2"));

        // Done by hand for now (approval and the merge queue do it next); the event wakes the scheduler,
        // whose safety sweep is an hour away.
        var done = await _fixture.Store.TransitionAsync(_fixture.Project.Id, "T-1", TransitionTarget.ToStage("done"), "merged by hand", Actor.Person("ada"), null, Ct);
        Assert.True(done.Succeeded, done.Error);
        await Eventually.TrueAsync(() => _fixture.IsAsync("T-2", WorkStatus.AwaitingApproval, "review"), "Beta runs once Alpha is done", Patience);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task Stopping_hands_the_running_item_back_and_closes_its_execution()
    {
        await _fixture.AddAsync("Epsilon");
        using var stop = new CancellationTokenSource();
        var orchestrator = _fixture.Orchestrator();
        var running = orchestrator.RunAsync(stop.Token);
        await Eventually.True(() => orchestrator.Workers is [{ Step: > 0 }], "Epsilon's command runs", Patience);
        Assert.Equal(("T-1", "develop", "developer", FakeModelScript.DefaultModelName),
            (orchestrator.Workers[0].ItemKey, orchestrator.Workers[0].Stage, orchestrator.Workers[0].Role, orchestrator.Workers[0].Model));

        var stopped = System.Diagnostics.Stopwatch.StartNew();
        await stop.CancelAsync();
        await running;

        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(5), $"stopped in {stopped.Elapsed}");
        Assert.True(await _fixture.IsAsync("T-1", WorkStatus.Ready, "develop"), "the item is Ready again");
        Assert.Equal(ExecutionResult.Cancelled, Assert.Single(await ExecutionsAsync("T-1")).Result);
        Assert.Empty(orchestrator.Workers);
    }
}
