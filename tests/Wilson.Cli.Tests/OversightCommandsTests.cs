using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage;

namespace Wilson.Cli.Tests;

/// <summary><c>wilson approve | reject | feedback | cancel</c>: a person's decisions, and the clear refusals.</summary>
public sealed class OversightCommandsTests
{
    // What a worker does when the engine says a stage passed: the item waits for approval.
    private static async Task AwaitApprovalAsync(TempGitRepository repository, string key)
    {
        await using var store = await WorkStoreFactory.OpenAsync(
            DatabaseLocation.Sqlite(repository.Combine(".wilson", "wilson.db")), new WorkflowStateMachine(PipelineCatalog.BuiltIn()), TimeProvider.System, CancellationToken.None);
        var project = (await store.ListItemsAsync(1, ItemQuery.All, CancellationToken.None)).Items.Single(i => i.Key == key).ProjectId;
        var claimed = (await store.ClaimAsync(new ClaimRequest("worker-1", TimeSpan.FromMinutes(1), project), CancellationToken.None))!;
        Assert.True((await store.CompleteAsync(claimed, "worker-1", TransitionTarget.ToStatus(WorkStatus.AwaitingApproval), "review passed", Actor.System, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Approve_and_reject_decide_items_waiting_for_approval()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "One", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "add", "Two", "-c", "x");
        await AwaitApprovalAsync(repository, "T-1");
        await AwaitApprovalAsync(repository, "T-2");

        var approve = await Cli.RunAsync(repository.Path, "approve", "t-1");
        var reject = await Cli.RunAsync(repository.Path, "reject", "T-2", "--reason", "too clever");
        var events = await Cli.RunAsync(repository.Path, "events", "--item", "T-2");

        Assert.True(approve.ExitCode == 0, approve.ToString());
        Assert.Equal("T-1 approved: the merge queue takes it next", approve.Stdout.Trim());
        Assert.True(reject.ExitCode == 0, reject.ToString());
        Assert.Equal("T-2 rejected: back to develop with the reason as feedback", reject.Stdout.Trim());
        Assert.Contains("item.rejected", events.Stdout, StringComparison.Ordinal);
        Assert.Contains("Rejected at plan: too clever", events.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_and_cancel_are_recorded_with_who_did_them()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "One", "-c", "x");

        var feedback = await Cli.RunAsync(repository.Path, "feedback", "T-1", "use the standard library");
        var cancel = await Cli.RunAsync(repository.Path, "cancel", "T-1", "--reason", "not needed");
        var late = await Cli.RunAsync(repository.Path, "feedback", "T-1", "one more thing");
        var events = await Cli.RunAsync(repository.Path, "events", "--item", "T-1");

        Assert.Equal("feedback left on T-1: its agent reads it at its next turn", feedback.Stdout.Trim());
        Assert.Equal("T-1 cancelled", cancel.Stdout.Trim());
        Assert.Equal(1, late.ExitCode);
        Assert.Equal(["error: T-1 is Cancelled: no agent will work on it again, so feedback would not be read"], late.ErrorLines);
        Assert.Contains("item.feedback", events.Stdout, StringComparison.Ordinal);
        Assert.Contains("use the standard library", events.Stdout, StringComparison.Ordinal);
        Assert.Contains("Cancelled at plan: not needed", events.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decisions_that_do_not_fit_are_refused_saying_why()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "One", "-c", "x");

        var approve = await Cli.RunAsync(repository.Path, "approve", "T-1");
        var rejectWithoutReason = await Cli.RunAsync(repository.Path, "reject", "T-1");
        var pauseUnknown = await Cli.RunAsync(repository.Path, "pause", "T-9");
        var badKey = await Cli.RunAsync(repository.Path, "cancel", "item-one");

        Assert.Equal(["error: T-1 is not awaiting approval: it is Ready at plan"], approve.ErrorLines);
        Assert.NotEqual(0, rejectWithoutReason.ExitCode);
        Assert.Contains("--reason", rejectWithoutReason.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, pauseUnknown.ExitCode);
        Assert.StartsWith("error: no item T-9 in project", Assert.Single(pauseUnknown.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(1, badKey.ExitCode);
        Assert.Equal("Ready", (await Cli.RunAsync(repository.Path, "item", "show", "T-1", "--json")).Stdout.Split("\"status\": \"")[1].Split('"')[0]);
    }
}
