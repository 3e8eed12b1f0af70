using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Workflow;
using Wilson.Testing;
using static Wilson.Core.Tests.TestItems;

namespace Wilson.Core.Tests.Workflow;

public sealed class WorkflowStateMachineTests
{
    private static readonly Actor Person = Actor.Person("ada");
    private static readonly Actor Agent = Actor.Agent("developer");
    private static readonly Actor System = Actor.System;

    private readonly WorkflowStateMachine _machine = new(PipelineCatalog.BuiltIn());

    /// <summary>Every move in the status table, with one actor the table lets make it.</summary>
    public static TheoryData<WorkStatus, WorkStatus, ActorKind> AllowedStatusMoves => new()
    {
        { WorkStatus.Draft, WorkStatus.Ready, ActorKind.Person },
        { WorkStatus.Draft, WorkStatus.Cancelled, ActorKind.Person },
        { WorkStatus.Ready, WorkStatus.Running, ActorKind.System },
        { WorkStatus.Ready, WorkStatus.Draft, ActorKind.Person },
        { WorkStatus.Ready, WorkStatus.Paused, ActorKind.Agent },
        { WorkStatus.Ready, WorkStatus.Blocked, ActorKind.Agent },
        { WorkStatus.Ready, WorkStatus.Cancelled, ActorKind.Person },
        { WorkStatus.Running, WorkStatus.Ready, ActorKind.System },
        { WorkStatus.Running, WorkStatus.AwaitingApproval, ActorKind.Agent },
        { WorkStatus.Running, WorkStatus.Blocked, ActorKind.Agent },
        { WorkStatus.Running, WorkStatus.Paused, ActorKind.Person },
        { WorkStatus.Running, WorkStatus.Failed, ActorKind.System },
        { WorkStatus.Running, WorkStatus.Done, ActorKind.Agent },
        { WorkStatus.Running, WorkStatus.Cancelled, ActorKind.Person },
        { WorkStatus.AwaitingApproval, WorkStatus.Done, ActorKind.Person },
        { WorkStatus.AwaitingApproval, WorkStatus.Paused, ActorKind.Person },
        { WorkStatus.AwaitingApproval, WorkStatus.Cancelled, ActorKind.System },
        { WorkStatus.Blocked, WorkStatus.Ready, ActorKind.Person },
        { WorkStatus.Blocked, WorkStatus.Paused, ActorKind.Person },
        { WorkStatus.Blocked, WorkStatus.Cancelled, ActorKind.Agent },
        { WorkStatus.Failed, WorkStatus.Ready, ActorKind.Person },
        { WorkStatus.Failed, WorkStatus.Cancelled, ActorKind.Agent },
    };

    /// <summary>Moves the table allows for someone, but not for this actor.</summary>
    public static TheoryData<WorkStatus, WorkStatus, ActorKind, string> WrongActorMoves => new()
    {
        { WorkStatus.Ready, WorkStatus.Draft, ActorKind.Agent, "only a person may make that move" },
        { WorkStatus.Running, WorkStatus.Ready, ActorKind.Person, "only Wilson may make that move" },
        { WorkStatus.Running, WorkStatus.AwaitingApproval, ActorKind.Person, "only an agent or Wilson may make that move" },
        { WorkStatus.Running, WorkStatus.Failed, ActorKind.Person, "only an agent or Wilson may make that move" },
        { WorkStatus.Running, WorkStatus.Cancelled, ActorKind.Agent, "only a person or Wilson may make that move" },
        { WorkStatus.AwaitingApproval, WorkStatus.Done, ActorKind.Agent, "only a person or Wilson may make that move" },
        { WorkStatus.Failed, WorkStatus.Ready, ActorKind.Agent, "only a person or Wilson may make that move" },
    };

    [Theory]
    [MemberData(nameof(AllowedStatusMoves))]
    public void TryTransition_AllowedStatusMove_Succeeds(WorkStatus from, WorkStatus to, ActorKind who)
    {
        var item = Item(from, stage: "develop");

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(to), "because", new Actor(who, "someone"));

        Assert.True(result.Succeeded, result.Error);
        Assert.Null(result.Error);
        Assert.Equal(to, result.Item!.Status);
        Assert.Empty(result.AllowedTargets);
    }

    [Theory]
    [MemberData(nameof(WrongActorMoves))]
    public void TryTransition_ActorNotPermitted_IsRefusedNamingWhoMay(WorkStatus from, WorkStatus to, ActorKind who, string expected)
    {
        var item = Item(from, stage: "develop");

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(to), "because", new Actor(who, "someone"));

        Assert.False(result.Succeeded);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryTransition_FromDoneToRunning_IsRefused()
    {
        var item = Item(WorkStatus.Done, stage: "done");

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Running), "again", System);

        Assert.False(result.Succeeded);
        Assert.Null(result.Item);
        Assert.Null(result.Transition);
        Assert.Equal(
            "T-1: cannot move from Done (stage done) to Running: not allowed from there; allowed from Done: none",
            result.Error);
        Assert.Empty(result.AllowedTargets);
    }

    [Fact]
    public void TryTransition_FromCancelledToReady_IsRefused()
    {
        var item = Item(WorkStatus.Cancelled, stage: "develop");

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Ready), "revive", Person);

        Assert.False(result.Succeeded);
        Assert.Contains("from Cancelled", result.Error, StringComparison.Ordinal);
        Assert.Contains("to Ready", result.Error, StringComparison.Ordinal);
        Assert.Contains("allowed from Cancelled: none", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryTransition_FromDraftToRunning_IsRefusedListingAllowedTargets()
    {
        var item = Item(WorkStatus.Draft);

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Running), "go", System);

        Assert.False(result.Succeeded);
        Assert.Equal(
            "T-1: cannot move from Draft (stage plan) to Running: not allowed from there; allowed from Draft: Ready, Cancelled",
            result.Error);
        Assert.Equal(["Ready", "Cancelled"], result.AllowedTargets);
    }

    [Fact]
    public void TryTransition_PersonStartsReadyItem_IsRefusedBecauseWorkersClaim()
    {
        var item = Item(WorkStatus.Ready);

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Running), "start it", Person);

        Assert.False(result.Succeeded);
        Assert.Contains("to Running: an item starts running only when a worker claims it", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Running", result.AllowedTargets);
        Assert.Contains("Draft", result.AllowedTargets);
    }

    [Fact]
    public void AllowedTargets_ReadyItem_DependOnTheActor()
    {
        var item = Item(WorkStatus.Ready);

        Assert.Equal(["Running", "Paused", "Blocked", "Cancelled"], _machine.AllowedTargets(item, System).Take(4));
        Assert.Equal(["Draft", "Paused", "Blocked", "Cancelled"], _machine.AllowedTargets(item, Person).Take(4));
        Assert.Contains("stage develop", _machine.AllowedTargets(item, Person));
    }

    [Fact]
    public void TryTransition_DraftWithoutAcceptanceCriteria_IsRefusedAsNotReady()
    {
        var item = Item(WorkStatus.Draft) with { AcceptanceCriteria = [" "] };

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Ready), "ready", Person);

        Assert.False(result.Succeeded);
        Assert.Equal("T-1 is not ready: it has no acceptance criteria (add one with --criteria)", result.Error);
        Assert.Equal(["Ready", "Cancelled"], result.AllowedTargets);
    }

    [Fact]
    public void TryTransition_DraftDependingOnItself_IsRefusedAsNotReady()
    {
        var item = Item(WorkStatus.Draft) with { Dependencies = ["T-1"] };

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Ready), "ready", Person);

        Assert.False(result.Succeeded);
        Assert.Equal("T-1 is not ready: it depends on itself", result.Error);
    }

    [Fact]
    public void TryTransition_DraftMeetingDefinitionOfReady_BecomesReadyInPlace()
    {
        var item = Item(WorkStatus.Draft) with { Dependencies = ["T-2"] };

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Ready), "ready", Person);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(WorkStatus.Ready, result.Item!.Status);
        Assert.Equal("plan", result.Item.Stage);
    }

    [Fact]
    public void TryTransition_EmptyReason_IsRefused()
    {
        var item = Item(WorkStatus.Ready);

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Paused), "  ", Person);

        Assert.False(result.Succeeded);
        Assert.Equal("T-1: a transition needs a reason", result.Error);
        Assert.Contains("Paused", result.AllowedTargets);
    }

    [Fact]
    public void TryTransition_UnknownPipeline_IsRefused()
    {
        var item = Item(WorkStatus.Ready, pipeline: "kanban");

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Paused), "wait", Person);

        Assert.False(result.Succeeded);
        Assert.Equal("T-1: its pipeline 'kanban' is not defined", result.Error);
        Assert.Empty(_machine.AllowedTargets(item, Person));
    }

    [Fact]
    public void TryTransition_ToNextStage_LandsReady()
    {
        var item = Item(WorkStatus.Running, stage: "plan") with { Lease = new Lease("worker-1", DateTimeOffset.UnixEpoch) };

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("develop"), "planned", Agent);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("develop", result.Item!.Stage);
        Assert.Equal(WorkStatus.Ready, result.Item.Status);
        Assert.Null(result.Item.Lease);
    }

    [Fact]
    public void TryTransition_ToStageGivenInAnyCase_UsesThePipelineName()
    {
        var item = Item(WorkStatus.Ready, stage: "plan");

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("DEVELOP"), "skip", Person);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("develop", result.Item!.Stage);
    }

    [Fact]
    public void TryTransition_ToGateStageWithoutRole_LandsAwaitingApproval()
    {
        var item = Item(WorkStatus.Running, stage: "verify", pipeline: "tdd");

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("approve"), "verified", Agent);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("approve", result.Item!.Stage);
        Assert.Equal(WorkStatus.AwaitingApproval, result.Item.Status);
    }

    [Fact]
    public void TryTransition_ToGateStageWithRole_LandsReadyForTheReviewer()
    {
        var item = Item(WorkStatus.Running, stage: "docs");

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("approve"), "documented", Agent);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(WorkStatus.Ready, result.Item!.Status);
    }

    [Fact]
    public void TryTransition_ToFinalStage_LandsDone()
    {
        var item = Item(WorkStatus.AwaitingApproval, stage: "approve", pipeline: "tdd");

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("done"), "approved", Person);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("done", result.Item!.Stage);
        Assert.Equal(WorkStatus.Done, result.Item.Status);
    }

    [Fact]
    public void TryTransition_AgentToFinalStage_IsRefusedAndNotOffered()
    {
        var item = Item(WorkStatus.Running, stage: "docs");

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("done"), "all good", Agent);

        Assert.False(result.Succeeded);
        Assert.Contains("only a person or Wilson may finish an item", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("stage done", result.AllowedTargets);
        Assert.Contains("stage approve", result.AllowedTargets);
    }

    [Fact]
    public void TryTransition_ToBackToEarlierStage_LandsReady()
    {
        var item = Item(WorkStatus.Failed, stage: "test");

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("develop"), "tests fail", Person);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(("develop", WorkStatus.Ready), (result.Item!.Stage, result.Item.Status));
    }

    [Fact]
    public void TryTransition_RunningToItsOwnStage_RequeuesItReady()
    {
        var item = Item(WorkStatus.Running, stage: "develop") with { Lease = new Lease("worker-1", DateTimeOffset.UnixEpoch) };

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("develop"), "retry", Person);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(WorkStatus.Ready, result.Item!.Status);
        Assert.Null(result.Item.Lease);
    }

    [Fact]
    public void TryTransition_ReadyToItsOwnStage_IsRefusedAsAlreadyThere()
    {
        var item = Item(WorkStatus.Ready, stage: "develop");

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("develop"), "again", Person);

        Assert.False(result.Succeeded);
        Assert.Contains("to stage develop: it is already Ready at that stage", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryTransition_UnknownStage_IsRefusedListingTheStages()
    {
        var item = Item(WorkStatus.Ready);

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("deploy"), "ship it", Person);

        Assert.False(result.Succeeded);
        Assert.Equal(
            "T-1: pipeline 'standard' has no stage 'deploy' (stages: plan, develop, test, security, docs, approve, done)",
            result.Error);
        Assert.Contains("stage develop", result.AllowedTargets);
    }

    [Fact]
    public void TryTransition_DoneItemToStage_IsRefused()
    {
        var item = Item(WorkStatus.Done, stage: "done");

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("develop"), "reopen", Person);

        Assert.False(result.Succeeded);
        Assert.Equal(
            "T-1: cannot move from Done (stage done) to stage develop: a Done item cannot change stage; allowed from Done: none",
            result.Error);
    }

    [Fact]
    public void TryTransition_DraftItemToStage_IsRefusedSoReadinessIsNotSkipped()
    {
        var item = Item(WorkStatus.Draft) with { AcceptanceCriteria = [] };

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("develop"), "skip", Person);

        Assert.False(result.Succeeded);
        Assert.Contains("a Draft item cannot change stage; allowed from Draft: Ready, Cancelled", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WorkStatus.Ready, WorkStatus.Ready)]
    [InlineData(WorkStatus.Running, WorkStatus.Ready)]
    [InlineData(WorkStatus.Blocked, WorkStatus.Ready)]
    [InlineData(WorkStatus.AwaitingApproval, WorkStatus.AwaitingApproval)]
    public void TryTransition_PauseThenResume_ReturnsToResumeStatus(WorkStatus before, WorkStatus resumed)
    {
        var item = Item(before, stage: "approve");

        var paused = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Paused), "hold on", Person);
        Assert.True(paused.Succeeded, paused.Error);
        Assert.Equal(before, paused.Item!.PausedFrom);
        Assert.Equal(resumed, WorkflowStateMachine.ResumeStatus(paused.Item));

        var result = _machine.TryTransition(paused.Item, TransitionTarget.ToStatus(resumed), "go on", Person);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(resumed, result.Item!.Status);
        Assert.Null(result.Item.PausedFrom);
    }

    [Fact]
    public void TryTransition_ResumeToOtherThanPausedFrom_IsRefused()
    {
        var item = Item(WorkStatus.Paused, stage: "approve") with { PausedFrom = WorkStatus.AwaitingApproval };

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Ready), "go on", Person);

        Assert.False(result.Succeeded);
        Assert.Contains(
            "from Paused (stage approve) to Ready: a paused item resumes to AwaitingApproval, where it was paused",
            result.Error,
            StringComparison.Ordinal);
    }

    [Fact]
    public void TryTransition_PausedFromReadyToAwaitingApproval_IsRefused()
    {
        var item = Item(WorkStatus.Paused, stage: "develop") with { PausedFrom = WorkStatus.Ready };

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.AwaitingApproval), "skip", Person);

        Assert.False(result.Succeeded);
        Assert.Contains("a paused item resumes to Ready, where it was paused", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryTransition_PausedItem_MayAlwaysBeCancelled()
    {
        var item = Item(WorkStatus.Paused, stage: "approve") with { PausedFrom = WorkStatus.AwaitingApproval };

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Cancelled), "dropped", Person);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(WorkStatus.Cancelled, result.Item!.Status);
        Assert.Null(result.Item.PausedFrom);
    }

    [Fact]
    public void TryTransition_PausedItemMovedToStage_ForgetsPausedFrom()
    {
        var item = Item(WorkStatus.Paused, stage: "approve") with { PausedFrom = WorkStatus.AwaitingApproval };

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("develop"), "rework", Person);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(WorkStatus.Ready, result.Item!.Status);
        Assert.Null(result.Item.PausedFrom);
    }

    [Fact]
    public void ResumeStatus_WithoutPausedFrom_IsReady()
    {
        var item = Item(WorkStatus.Paused);

        Assert.Equal(WorkStatus.Ready, WorkflowStateMachine.ResumeStatus(item));
    }

    [Fact]
    public void TryTransition_DoneByStatus_MovesToFinalStage()
    {
        var item = Item(WorkStatus.Running, stage: "develop");

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Done), "trivial", Agent);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(("done", WorkStatus.Done), (result.Item!.Stage, result.Item.Status));
        Assert.Equal("done", result.Transition!.ToStage);
    }

    [Fact]
    public void TryTransition_StatusOtherThanDone_KeepsTheStage()
    {
        var item = Item(WorkStatus.Running, stage: "security");

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Blocked), "needs a key", Agent);

        Assert.Equal("security", result.Item!.Stage);
    }

    [Theory]
    [InlineData(WorkStatus.Ready)]
    [InlineData(WorkStatus.Blocked)]
    [InlineData(WorkStatus.Paused)]
    [InlineData(WorkStatus.Failed)]
    [InlineData(WorkStatus.AwaitingApproval)]
    public void TryTransition_LeavingRunning_ClearsTheLease(WorkStatus to)
    {
        var item = Item(WorkStatus.Running, stage: "develop") with { Lease = new Lease("worker-1", DateTimeOffset.UnixEpoch) };

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(to), "stop", System);

        Assert.True(result.Succeeded, result.Error);
        Assert.Null(result.Item!.Lease);
    }

    [Fact]
    public void TryTransition_ClaimedBySystem_KeepsTheLease()
    {
        var lease = new Lease("worker-1", DateTimeOffset.UnixEpoch);
        var item = Item(WorkStatus.Ready, stage: "develop") with { Lease = lease };

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Running), "claimed", System);

        Assert.Equal(lease, result.Item!.Lease);
    }

    [Fact]
    public void TryTransition_Succeeded_RecordsTheTransition()
    {
        var item = Item(WorkStatus.Running, stage: "develop");

        var result = _machine.TryTransition(item, TransitionTarget.ToStatus(WorkStatus.Blocked), "needs an API key", Agent);

        Assert.Equal(
            new Transition("T-1", "develop", WorkStatus.Running, "develop", WorkStatus.Blocked, "needs an API key", Agent),
            result.Transition);
    }

    [Fact]
    public void TryTransition_StageMove_RecordsTheTransition()
    {
        var item = Item(WorkStatus.Running, stage: "develop");

        var result = _machine.TryTransition(item, TransitionTarget.ToStage("test"), "built", Agent);

        Assert.Equal(
            new Transition("T-1", "develop", WorkStatus.Running, "test", WorkStatus.Ready, "built", Agent),
            result.Transition);
    }

    [Fact]
    public void TryTransition_Succeeded_LeavesTheInputItemUnchanged()
    {
        var item = Item(WorkStatus.Ready, stage: "develop");

        _ = _machine.TryTransition(item, TransitionTarget.ToStage("test"), "skip", Person);

        Assert.Equal(("develop", WorkStatus.Ready), (item.Stage, item.Status));
    }

    [Fact]
    public void TryTransition_ItemInProjectPipeline_UsesThatPipeline()
    {
        using var dir = new TempDirectory();
        dir.Write("quick.yaml", """
            name: quick
            stages:
              - name: build
                role: developer
              - name: shipped
            """);
        var machine = new WorkflowStateMachine(PipelineCatalog.Load(dir.Path));
        var item = Item(WorkStatus.Running, stage: "build", pipeline: "quick");

        var result = machine.TryTransition(item, TransitionTarget.ToStage("shipped"), "built", System);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(WorkStatus.Done, result.Item!.Status);
    }
}
