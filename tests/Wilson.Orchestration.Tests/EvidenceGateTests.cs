using System.Text.Json;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Orchestration.Pipelines;
using Wilson.Orchestration.Scheduling;
using Wilson.Testing.Models;

namespace Wilson.Orchestration.Tests;

/// <summary>
/// A pass counts only with the evidence of the work, whatever the model says: models that claim success they
/// did not earn (a reviewer that never read the change, a developer that changed nothing, a tester that never ran
/// the tests, a planner that made no items) fail the stage with what is missing, and a plan that stays empty goes to
/// a person with the planner's last words. A planner at an item's own plan stage cannot create items.
/// </summary>
public sealed class EvidenceGateTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly OrchestratorOptions Quick = OrchestratorFixture.Options with
    {
        Retry = new RetryPolicy { FirstBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(20) },
    };

    private OrchestratorFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await OrchestratorFixture.StartAsync(
    [
        // Claims without the work.
        Turn("T-1 Lazy review\nStage: review", "finish", """{"result":"pass","summary":"LGTM"}"""),
        Turn("T-1 Idle\nStage: develop", "finish", """{"result":"pass","summary":"implemented everything"}"""),
        Turn("T-1 Untested\nStage: test", "finish", """{"result":"pass","summary":"all tests pass"}"""),

        // A plan with nothing in it, and one whose item's planner tries to plan again.
        Turn("Empty plan\nStage: plan of the plan pipeline", "finish", """{"result":"pass","summary":"the plan is complete"}"""),
        Turn("Runaway\nStage: plan of the plan pipeline", "create_item", """{"title":"Write hello.txt","acceptance_criteria":["hello.txt greets"],"tier":"standard","pipeline":"standard"}"""),
        Turn("created T-2 (Ready)", "finish", """{"result":"pass","summary":"one item"}"""),
        Turn("Write hello.txt\nStage: plan of the standard pipeline", "create_item", """{"title":"Write hello.txt again","acceptance_criteria":["x"]}"""),
        Turn("create_item is for plans only", "refine_item", """{"acceptance_criteria":["`test -f hello.txt` passes"]}"""),
        Turn("refined T-2", "finish", """{"result":"pass","summary":"criteria settled"}"""),
        .. HonestAgents.Turns(),
    ]);

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    private static ScriptedTurn Turn(string whenContains, string tool, string arguments) =>
        new() { WhenContains = whenContains, ToolCalls = [new ScriptedToolCall(tool, arguments)] };

    private async Task<IReadOnlyList<Execution>> ExecutionsAsync(string key) => await _fixture.Store.ListExecutionsAsync(_fixture.Project.Id, key, Ct);

    [Fact]
    public async Task A_reviewer_that_never_read_the_change_fails_and_the_item_goes_back_with_what_was_missing()
    {
        await _fixture.AddAsync("Lazy review");

        await _fixture.RunUntilAsync(async () => (await ExecutionsAsync("T-1")).Any(e => e.Stage == "review" && e.Result == ExecutionResult.Fail),
            "the lazy review fails", Quick);

        var review = (await ExecutionsAsync("T-1")).First(e => e.Stage == "review");
        Assert.Equal(
            "claimed a pass without the evidence: the reviewer never looked at the change: read it with git_diff before judging it. It said: \"LGTM\"",
            review.Summary);
        var feedback = (await _fixture.EventsAsync("T-1")).First(e => e.Type == EventTypes.ItemFeedback);
        Assert.Contains("The review stage failed: claimed a pass without the evidence", feedback.PayloadJson, StringComparison.Ordinal);
        Assert.Contains(await _fixture.EventsAsync("T-1"), e => e.Type == EventTypes.AgentNotice && e.PayloadJson.Contains("the pass does not count", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_developer_that_changed_nothing_fails_until_a_person_must_look()
    {
        await _fixture.AddAsync("Idle");

        await _fixture.RunUntilAsync(() => _fixture.IsAsync("T-1", WorkStatus.Blocked), "Idle reaches a person", Quick);

        var runs = await ExecutionsAsync("T-1");
        Assert.Equal(5, runs.Count);
        Assert.All(runs, run => Assert.StartsWith(
            "claimed a pass without the evidence: nothing in the worktree differs from where T-1 began: make the change it asks for", run.Summary, StringComparison.Ordinal));
        Assert.Empty((await _fixture.Store.ListItemsAsync(_fixture.Project.Id, new ItemQuery { Statuses = [WorkStatus.AwaitingApproval] }, Ct)).Items);
    }

    [Fact]
    public async Task A_tester_that_never_ran_the_tests_fails_and_the_work_goes_back_to_develop()
    {
        await _fixture.AddToAsync("standard", "Untested");

        await _fixture.RunUntilAsync(async () => (await ExecutionsAsync("T-1")).Any(e => e.Stage == "test" && e.Result == ExecutionResult.Fail),
            "the untested pass fails", Quick);

        var test = (await ExecutionsAsync("T-1")).First(e => e.Stage == "test");
        Assert.Equal("claimed a pass without the evidence: the tester never ran the tests: run them with run_tests. It said: \"all tests pass\"", test.Summary);
        await Wilson.Testing.Eventually.TrueAsync(async () => (await _fixture.ItemAsync("T-1")).Stage == "develop", "back to develop", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_plan_that_ends_without_items_goes_back_to_the_planner_and_the_third_time_to_a_person_with_its_words()
    {
        var plan = await AddPlanAsync("Empty plan");

        await _fixture.RunUntilAsync(() => _fixture.IsAsync(plan.Key, WorkStatus.Blocked), "the empty plan reaches a person", Quick);

        var runs = await ExecutionsAsync(plan.Key);
        Assert.Equal([ExecutionResult.Fail, ExecutionResult.Fail, ExecutionResult.Fail], runs.Select(r => r.Result!.Value));
        var blocked = (await _fixture.EventsAsync(plan.Key)).Last(e => e.Type == EventTypes.ItemTransitioned);
        Assert.Equal(
            "plan failed 3 times in a row; a person must look: claimed a pass without the evidence: the plan has no items: create each item of the plan with create_item " +
            "(a title and acceptance criteria), then finish. It said: \"the plan is complete\"",
            JsonDocument.Parse(blocked.PayloadJson).RootElement.GetProperty("reason").GetString());
        Assert.Single((await _fixture.Store.ListItemsAsync(_fixture.Project.Id, ItemQuery.All, Ct)).Items);
    }

    [Fact]
    public async Task An_items_own_plan_stage_refines_it_and_creates_nothing()
    {
        var plan = await AddPlanAsync("Runaway");

        await _fixture.RunUntilAsync(async () => await _fixture.Store.GetItemAsync(_fixture.Project.Id, "T-2", Ct) is { Stage: "develop" }, "the plan's item reaches develop", Quick);

        var items = (await _fixture.Store.ListItemsAsync(_fixture.Project.Id, ItemQuery.All, Ct)).Items;
        Assert.Equal(["T-1", "T-2"], items.Select(i => i.Key));
        Assert.Equal(["`test -f hello.txt` passes"], items[1].AcceptanceCriteria);
        Assert.Equal(WorkStatus.AwaitingApproval, (await _fixture.ItemAsync(plan.Key)).Status);
        Assert.Contains(await _fixture.EventsAsync("T-2"), e => e.Type == EventTypes.AgentToolResult
            && e.PayloadJson.Contains("create_item is for plans only: this is T-2", StringComparison.Ordinal));
    }

    private async Task<WorkItem> AddPlanAsync(string idea)
    {
        var added = await _fixture.Store.AddItemAsync(_fixture.Project.Id, new NewWorkItem
        {
            Title = idea, Description = idea, AcceptanceCriteria = ["the idea is broken into work items"], Kind = WorkKind.Plan, Pipeline = "plan",
        }, Actor.Person("ada"), Ct);
        return added.Item ?? throw new InvalidOperationException(added.Error);
    }
}
