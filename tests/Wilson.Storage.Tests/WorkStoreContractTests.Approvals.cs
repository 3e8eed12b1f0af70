using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Storage.Tests;

/// <summary>Approvals: decisions on items waiting for them, and the approved items in the order they were approved.</summary>
public abstract partial class WorkStoreContractTests
{
    private async Task<WorkItem> AwaitingApprovalAsync(string title)
    {
        var item = await AddAsync(title);
        var moved = await Store.TransitionAsync(Project.Id, item.Key, TransitionTarget.ToStage("develop"), "planned", Actor.Person("ada"), null, Ct);
        var claimed = (await Store.ClaimAsync(new ClaimRequest("worker-1", TimeSpan.FromMinutes(1), Project.Id), Ct))!;
        Assert.Equal(item.Key, claimed.Key);
        var waiting = await Store.CompleteAsync(claimed, "worker-1", TransitionTarget.ToStatus(WorkStatus.AwaitingApproval), "develop passed", Actor.System, Ct);
        Assert.True(moved.Succeeded && waiting.Succeeded, waiting.Error);
        return waiting.Item!;
    }

    [Fact]
    public async Task Approvals_AreListedInTheOrderGiven_AndOnlyForTheItemAsItStands()
    {
        var first = await AwaitingApprovalAsync("first");
        var second = await AwaitingApprovalAsync("second");
        var third = await AwaitingApprovalAsync("third");

        var approvedSecond = await Store.DecideApprovalAsync(Project.Id, second.Key, true, "looks right", Actor.Person("ada"), Ct);
        await Store.DecideApprovalAsync(Project.Id, first.Key, true, "low risk: verification passed", Actor.System, Ct);
        await Store.DecideApprovalAsync(Project.Id, third.Key, false, "not yet", Actor.Person("ada"), Ct);

        Assert.True(approvedSecond.Succeeded, approvedSecond.Error);
        Assert.Equal((second.Version, "develop", true), (approvedSecond.Approval!.ItemVersion, approvedSecond.Approval.Stage, approvedSecond.Approval.Approved));
        Assert.Equal([second.Key, first.Key], (await Store.ListApprovedAsync(Project.Id, Ct)).Select(i => i.Key));
        var events = await Store.ReadEventsAsync(new EventQuery { ProjectId = Project.Id }, Ct);
        Assert.Equal(Actor.Person("ada"), events.Single(e => e.Type == EventTypes.ItemApproved && e.ItemKey == second.Key).Actor);
        Assert.Single(events, e => e.Type == EventTypes.ItemRejected && e.ItemKey == third.Key);

        // The item moves on (paused, say): the approval was for the item as it was.
        await Store.TransitionAsync(Project.Id, second.Key, TransitionTarget.ToStatus(WorkStatus.Paused), "hold on", Actor.Person("ada"), null, Ct);
        Assert.Equal([first.Key], (await Store.ListApprovedAsync(Project.Id, Ct)).Select(i => i.Key));
    }

    [Fact]
    public async Task Approvals_TheLatestDecisionCounts()
    {
        var item = await AwaitingApprovalAsync("changeable");
        await Store.DecideApprovalAsync(Project.Id, item.Key, true, "yes", Actor.Person("ada"), Ct);
        await Store.DecideApprovalAsync(Project.Id, item.Key, false, "on second thought, no", Actor.Person("ada"), Ct);

        Assert.Empty(await Store.ListApprovedAsync(Project.Id, Ct));
    }

    [Fact]
    public async Task Approvals_OfAnItemNotAwaitingApprovalOrUnknown_AreRefusedSayingWhy()
    {
        var ready = await AddAsync("not yet");

        var early = await Store.DecideApprovalAsync(Project.Id, ready.Key, true, "yes", Actor.Person("ada"), Ct);
        var unknown = await Store.DecideApprovalAsync(Project.Id, "T-99", true, "yes", Actor.Person("ada"), Ct);

        Assert.Equal((WriteFailure.TransitionRefused, "T-1 is not awaiting approval: it is Ready at plan"), (early.Failure, early.Error));
        Assert.Equal((WriteFailure.NotFound, "there is no item T-99 in this project"), (unknown.Failure, unknown.Error));
        Assert.Empty(await Store.ListApprovedAsync(Project.Id, Ct));
    }

    [Fact]
    public async Task ListPendingApprovalsAsync_ItemsWaitingWithNoDecisionOnThemAsTheyStand()
    {
        var approved = await AwaitingApprovalAsync("approved");
        var rejected = await AwaitingApprovalAsync("rejected");
        Time.Advance(TimeSpan.FromMinutes(1));
        var undecided = await AwaitingApprovalAsync("undecided");
        await AddAsync("not waiting");
        await Store.DecideApprovalAsync(Project.Id, approved.Key, true, "yes", Actor.Person("ada"), Ct);
        await Store.DecideApprovalAsync(Project.Id, rejected.Key, false, "no", Actor.Person("ada"), Ct);

        Assert.Equal([undecided.Key], (await Store.ListPendingApprovalsAsync(Project.Id, Ct)).Select(i => i.Key));

        // Paused and resumed, the approved item is a new version: the decision was on the old one.
        Time.Advance(TimeSpan.FromMinutes(1));
        await Store.TransitionAsync(Project.Id, approved.Key, TransitionTarget.ToStatus(WorkStatus.Paused), "hold on", Actor.Person("ada"), null, Ct);
        await Store.TransitionAsync(Project.Id, approved.Key, TransitionTarget.ToStatus(WorkStatus.AwaitingApproval), "go on", Actor.Person("ada"), null, Ct);
        Assert.Equal([undecided.Key, approved.Key], (await Store.ListPendingApprovalsAsync(Project.Id, Ct)).Select(i => i.Key));
    }

    [Fact]
    public async Task ListPendingApprovalsAsync_NothingWaitingOrUnknownProject_IsEmpty()
    {
        await AddAsync("ready");

        Assert.Empty(await Store.ListPendingApprovalsAsync(Project.Id, Ct));
        Assert.Empty(await Store.ListPendingApprovalsAsync(Project.Id + 1000, Ct));
    }
}
