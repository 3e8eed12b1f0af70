using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workers;
using Wilson.Core.Workflow;
using Wilson.Testing;

namespace Wilson.Storage.Tests;

/// <summary>Live worker status, readable from any process; what the lease sweep does with a dead worker's leftovers.</summary>
public abstract partial class WorkStoreContractTests
{
    private WorkerStatus Status(string worker, string item, int step = 0) => new()
    {
        Worker = worker, Machine = "host-1", ProjectId = Project.Id, ItemKey = item, Stage = "develop", Role = "developer",
        Step = step, StartedAt = Time.GetUtcNow(), LastProgressAt = Time.GetUtcNow(),
    };

    [Fact]
    public async Task SaveWorkerAsync_TwiceForOneWorker_KeepsTheLatestWithTheStoresTime()
    {
        var first = Status("host-1-w1", "T-1", step: 1);
        await Store.SaveWorkerAsync(first, Ct);
        Time.Advance(TimeSpan.FromSeconds(5));
        await Store.SaveWorkerAsync(first with
        {
            Step = 2, Model = "qwen2.5-coder:7b", PausedBy = Actor.Person("ada"), PausedAt = Time.GetUtcNow(),
        }, Ct);

        var status = Assert.Single(await Store.ListWorkersAsync(Project.Id, Ct));
        Assert.Equal((2, "qwen2.5-coder:7b", true, Actor.Person("ada")), (status.Step, status.Model, status.Paused, status.PausedBy));
        Assert.Equal(Time.GetUtcNow(), status.UpdatedAt);
        Assert.Equal(Time.GetUtcNow(), status.PausedAt);
        Assert.Equal(Time.GetUtcNow() - TimeSpan.FromSeconds(5), status.StartedAt);
    }

    [Fact]
    public async Task ListWorkersAsync_OfAProject_ReadsOnlyItsWorkersByItem()
    {
        var other = await TestStores.RegisterAsync(Store, "other", Ct);
        await Store.SaveWorkerAsync(Status("b", "T-2"), Ct);
        await Store.SaveWorkerAsync(Status("a", "T-1"), Ct);
        await Store.SaveWorkerAsync(Status("c", "T-1") with { ProjectId = other.Id }, Ct);

        Assert.Equal(["a", "b"], (await Store.ListWorkersAsync(Project.Id, Ct)).Select(w => w.Worker));
        Assert.Equal(["c"], (await Store.ListWorkersAsync(other.Id, Ct)).Select(w => w.Worker));
        Assert.Equal(3, (await Store.ListWorkersAsync(null, Ct)).Count);
    }

    [Fact]
    public async Task RemoveWorkerAsync_RemovesOnlyThatWorker_AndAnUnknownOneIsNoError()
    {
        await Store.SaveWorkerAsync(Status("a", "T-1"), Ct);
        await Store.SaveWorkerAsync(Status("b", "T-2"), Ct);

        await Store.RemoveWorkerAsync("a", Ct);
        await Store.RemoveWorkerAsync("nobody", Ct);

        Assert.Equal(["b"], (await Store.ListWorkersAsync(Project.Id, Ct)).Select(w => w.Worker));
    }

    [Fact]
    public async Task SaveWorkerAsync_WithoutAName_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveWorkerAsync(Status(" ", "T-1"), Ct));
    }

    [Fact]
    public async Task SweepExpiredLeasesAsync_ADeadWorker_ClosesItsRunAsAbandonedAndRemovesItsStatus()
    {
        await AddAsync("crashes");
        await AddAsync("runs on");
        var dead = (await Store.ClaimAsync(new ClaimRequest("dead-w1", TimeSpan.FromMinutes(1), Project.Id), Ct))!;
        var live = (await Store.ClaimAsync(new ClaimRequest("live-w1", TimeSpan.FromMinutes(10), Project.Id), Ct))!;
        var open = await Store.StartExecutionAsync(new NewExecution(Project.Id, dead.Key, dead.Stage, "planner", "dead-w1"), Actor.Agent("planner"), Ct);
        var running = await Store.StartExecutionAsync(new NewExecution(Project.Id, live.Key, live.Stage, "planner", "live-w1"), Actor.Agent("planner"), Ct);
        await Store.SaveWorkerAsync(Status("dead-w1", dead.Key), Ct);
        await Store.SaveWorkerAsync(Status("live-w1", live.Key), Ct);

        Time.Advance(TimeSpan.FromMinutes(2));
        var swept = await Store.SweepExpiredLeasesAsync(3, Ct);

        Assert.Equal([dead.Key], swept.Requeued);
        var abandoned = (await Store.GetExecutionAsync(open.Id, Ct))!;
        Assert.Equal(ExecutionResult.Abandoned, abandoned.Result);
        Assert.Contains("the lease of dead-w1 expired", abandoned.Summary, StringComparison.Ordinal);
        Assert.Equal(Time.GetUtcNow(), abandoned.EndedAt);
        Assert.Null((await Store.GetExecutionAsync(running.Id, Ct))!.EndedAt);
        Assert.Equal(["live-w1"], (await Store.ListWorkersAsync(Project.Id, Ct)).Select(w => w.Worker));
    }

    [Fact]
    public async Task SweepExpiredLeasesAsync_AWorkerWhoseItemAPersonMoved_IsRemovedEvenWithNoLeaseExpired()
    {
        await AddAsync("cancelled while its process was down");
        var claimed = (await Store.ClaimAsync(new ClaimRequest("gone-w1", TimeSpan.FromMinutes(10), Project.Id), Ct))!;
        await Store.SaveWorkerAsync(Status("gone-w1", claimed.Key), Ct);
        await Store.TransitionAsync(Project.Id, claimed.Key, TransitionTarget.ToStatus(WorkStatus.Cancelled), "not needed", Actor.Person("ada"), null, Ct);

        Assert.Equal(SweepResult.Nothing, await Store.SweepExpiredLeasesAsync(3, Ct));

        Assert.Empty(await Store.ListWorkersAsync(Project.Id, Ct));
    }

    [Fact]
    public async Task SweepExpiredLeasesAsync_OfOneProject_LeavesTheOtherProjectsItemsToTheirOwnSweep()
    {
        var other = await TestStores.RegisterAsync(Store, "other", Ct);
        await AddAsync("ours");
        Assert.True((await Store.AddItemAsync(other.Id, Item("theirs"), Actor.Person("ada"), Ct)).Succeeded);
        Assert.NotNull(await Store.ClaimAsync(new ClaimRequest("ours-w1", TimeSpan.FromMinutes(1), Project.Id), Ct));
        Assert.NotNull(await Store.ClaimAsync(new ClaimRequest("theirs-w1", TimeSpan.FromMinutes(1), other.Id), Ct));
        Time.Advance(TimeSpan.FromMinutes(2));

        // This project allows one attempt: its item goes to the dead letter; the other's stays for its own sweep.
        var ours = await Store.SweepExpiredLeasesAsync(Project.Id, maxAttempts: 1, Ct);

        Assert.Empty(ours.Requeued);
        Assert.Equal(["T-1"], ours.DeadLettered);
        Assert.Equal(WorkStatus.Running, (await Store.GetItemAsync(other.Id, "T-1", Ct))!.Status);
        var theirs = await Store.SweepExpiredLeasesAsync(other.Id, maxAttempts: 3, Ct);
        Assert.Equal(["T-1"], theirs.Requeued);
    }
}
