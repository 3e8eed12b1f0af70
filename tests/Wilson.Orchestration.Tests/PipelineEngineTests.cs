using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Orchestration.Pipelines;

namespace Wilson.Orchestration.Tests;

/// <summary>What each stage result does to an item in the built-in pipelines.</summary>
public sealed class PipelineEngineTests
{
    private static readonly PipelineCatalog Catalog = PipelineCatalog.BuiltIn();
    private static readonly Pipeline Standard = Catalog.Get("standard");
    private static readonly Pipeline Tdd = Catalog.Get("tdd");
    private static readonly RetryPolicy Policy = new();

    [Theory]
    [InlineData("standard", "plan", "develop")]
    [InlineData("standard", "develop", "test")]
    [InlineData("standard", "test", "security")]
    [InlineData("standard", "docs", "approve")]
    [InlineData("tdd", "red", "green")]
    [InlineData("tdd", "refactor", "verify")]
    public void A_pass_moves_on_to_the_next_stage(string pipeline, string stage, string next)
    {
        var decision = PipelineEngine.Decide(Catalog.Get(pipeline), stage, ExecutionResult.Pass, "done", 0, Policy);

        Assert.Equal((StageDecisionKind.Advance, next), (decision.Kind, decision.Target.Stage));
        Assert.Equal($"{stage} passed: done", decision.Reason);
        Assert.Null(decision.Feedback);
    }

    [Fact]
    public void A_pass_at_an_approval_gate_waits_for_approval_where_it_is()
    {
        var decision = PipelineEngine.Decide(Standard, "approve", ExecutionResult.Pass, "looks right", 0, Policy);

        Assert.Equal((StageDecisionKind.AwaitApproval, WorkStatus.AwaitingApproval), (decision.Kind, decision.Target.Status));
    }

    [Fact]
    public void A_pass_before_a_gate_without_a_role_moves_into_the_gate()
    {
        var decision = PipelineEngine.Decide(Tdd, "verify", ExecutionResult.Pass, "verified", 0, Policy);

        Assert.Equal((StageDecisionKind.AwaitApproval, "approve"), (decision.Kind, decision.Target.Stage));
        Assert.Equal(WorkStatus.AwaitingApproval, Tdd.EntryStatus(Tdd.FindStage("approve")!));
    }

    [Fact]
    public void A_pass_before_the_final_stage_waits_for_approval_and_the_merge()
    {
        var pipeline = new Pipeline("short", null, [new PipelineStage("develop", "developer"), new PipelineStage("done", null)], "test");

        var decision = PipelineEngine.Decide(pipeline, "develop", ExecutionResult.Pass, "built", 0, Policy);

        Assert.Equal((StageDecisionKind.AwaitApproval, WorkStatus.AwaitingApproval), (decision.Kind, decision.Target.Status));
    }

    [Theory]
    [InlineData("standard", "test", "develop")]
    [InlineData("standard", "security", "develop")]
    [InlineData("standard", "approve", "develop")]
    [InlineData("standard", "develop", "develop")]
    [InlineData("tdd", "refactor", "green")]
    [InlineData("standard", "plan", "plan")]
    public void A_failure_goes_back_to_the_stage_the_pipeline_names_with_the_failure_as_feedback(string pipeline, string stage, string back)
    {
        var decision = PipelineEngine.Decide(Catalog.Get(pipeline), stage, ExecutionResult.Fail, "the total is off by one", 1, Policy);

        Assert.Equal((StageDecisionKind.Retry, back, false), (decision.Kind, decision.Target.Stage, decision.Escalate));
        Assert.Equal($"The {stage} stage failed: the total is off by one", decision.Feedback);
        Assert.Equal(TimeSpan.FromSeconds(2), decision.Backoff);
    }

    [Fact]
    public void Failures_in_a_row_wait_longer_then_escalate_to_a_stronger_model_then_block_for_a_person()
    {
        var decisions = Enumerable.Range(1, 5).Select(n => PipelineEngine.Decide(Standard, "test", ExecutionResult.Fail, "still red", n, Policy)).ToList();

        Assert.Equal([2, 4, 8, 16], decisions.Take(4).Select(d => (int)d.Backoff.TotalSeconds));
        Assert.Equal([false, false, true, true], decisions.Take(4).Select(d => d.Escalate));
        Assert.Equal((StageDecisionKind.Block, WorkStatus.Blocked), (decisions[4].Kind, decisions[4].Target.Status));
        Assert.StartsWith("test failed 5 times in a row, a stronger model included; a person must look: still red", decisions[4].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_wait_is_capped()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), new RetryPolicy().Backoff(30));
        Assert.Equal(TimeSpan.FromMinutes(1), new RetryPolicy().Backoff(int.MaxValue));
    }

    [Fact]
    public void A_blocked_agent_blocks_the_item_with_its_question()
    {
        var decision = PipelineEngine.Decide(Standard, "develop", ExecutionResult.Blocked, "which database?", 0, Policy);

        Assert.Equal((StageDecisionKind.Block, WorkStatus.Blocked), (decision.Kind, decision.Target.Status));
        Assert.Equal("develop needs a person: which database?", decision.Reason);
    }

    [Fact]
    public void An_agent_that_gives_no_reason_leaves_a_reason_that_says_where_to_look()
    {
        // Seen in PipelineFuzzTests (seed 4): a weak planner finished blocked with an empty summary, and the plan's reason was "plan needs a person: ".
        var blocked = PipelineEngine.Decide(Catalog.Get("plan"), "plan", ExecutionResult.Blocked, "", 0, Policy);
        var failed = PipelineEngine.Decide(Standard, "develop", ExecutionResult.Fail, " ", 1, Policy);

        Assert.Equal("plan needs a person: the planner gave no reason; its run is in `wilson item show`", blocked.Reason);
        Assert.Equal("The develop stage failed: the developer gave no reason; its run is in `wilson item show`", failed.Feedback);
    }

    [Fact]
    public void An_unknown_stage_or_a_cancelled_result_is_not_decided()
    {
        Assert.Throws<ArgumentException>(() => PipelineEngine.Decide(Standard, "deploy", ExecutionResult.Pass, "", 0, Policy));
        Assert.Throws<ArgumentException>(() => PipelineEngine.Decide(Standard, "develop", ExecutionResult.Cancelled, "", 0, Policy));
    }

    [Fact]
    public void A_plan_that_fails_a_third_time_goes_to_a_person_without_a_stronger_model()
    {
        var plan = Catalog.Get("plan");

        var second = PipelineEngine.Decide(plan, "plan", ExecutionResult.Fail, "no items", 2, Policy);
        var third = PipelineEngine.Decide(plan, "plan", ExecutionResult.Fail, "no items", 3, Policy);

        Assert.Equal((StageDecisionKind.Retry, false), (second.Kind, second.Escalate));
        Assert.Equal("plan failed (2 of 3): no items", second.Reason);
        Assert.Equal((StageDecisionKind.Block, WorkStatus.Blocked), (third.Kind, third.Target.Status));
        Assert.Equal("plan failed 3 times in a row; a person must look: no items", third.Reason);
    }
}
