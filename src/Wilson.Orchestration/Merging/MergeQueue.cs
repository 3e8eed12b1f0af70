using System.Text.Json;
using Wilson.Agents.Commands;
using Wilson.Agents.Git;
using Wilson.Agents.Workspaces;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Orchestration.Scheduling;
using Wilson.Orchestration.Workers;

namespace Wilson.Orchestration.Merging;

/// <summary>
/// Finished work into the default branch, one item at a time. An item waiting for approval is rated
/// (<see cref="RiskAssessment"/>): the policy approves low risk by itself, anything above waits for a
/// person, shown as a gate. An approved item's branch is merged on a scratch copy of the default branch
/// (its own worktree), the project's tests run there, and only then does the default branch move to the
/// merge: a failing merge never reaches it (that is the revert), and the item goes back with the output
/// as feedback. A conflict is left in the item's own worktree for the developer to resolve, with the
/// conflicting files as feedback. A branch already merged (a crash after the merge) is not merged again.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The merge queue is the domain's name for it.")]
public sealed class MergeQueue(IWorkStore store, ProjectWorkspace workspace, PipelineCatalog pipelines)
{
    public const string MergeWorktree = "_merge";

    // Events after which there may be something to rate or merge.
    private static readonly HashSet<string> Wakers = [EventTypes.ItemTransitioned, EventTypes.ItemApproved];

    private static readonly string[] PlanReviewReasons = ["plan review is on: approve the plan to start its items"];

    private readonly HashSet<(string Key, long Version)> _rated = [];

    // Who this queue is to the store's lease; one queue per project merges at a time, whichever process runs it.
    private readonly string _owner = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-merge-{Guid.NewGuid():N}";

    private string LockName => $"merge:{workspace.Project.Id}";

    // As long as an item's lease: a queue whose process died holds the project's merges up no longer than a worker its item.
    private TimeSpan LockDuration => workspace.Config.LeaseDuration;

    private GitProcess Git => workspace.Git;

    private string DefaultBranch => workspace.Config.DefaultBranch;

    /// <summary>Rates and merges as things happen (and every <paramref name="safetyInterval"/>), until <paramref name="stopping"/>.</summary>
    public async Task RunAsync(TimeSpan safetyInterval, CancellationToken stopping)
    {
        var wake = new WakeSignal();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var watcher = WatchAsync(await store.GetLastSequenceAsync(stopping), wake, watching.Token);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await ProcessAsync(stopping);
                await wake.WaitAsync(safetyInterval, workspace.Time, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await watching.CancelAsync();
            await WakeSignal.EndedAsync(watcher);
            await ReleaseAsync();
        }
    }

    // Stopping: another process's queue may take over at once rather than when the lease runs out.
    private async Task ReleaseAsync()
    {
        try
        {
            await store.ReleaseLockAsync(LockName, _owner, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store is gone too: the lease expires on its own.
        }
    }

    /// <summary>
    /// One pass: rate the items newly waiting for approval, then merge the approved ones in order. Returns the keys merged.
    /// Only the queue that holds the project's merge lease works: another process's queue (a second serve, an
    /// <c>idea --wait</c>) on the same project passes, and takes over when the lease is given up or runs out.
    /// </summary>
    public async Task<IReadOnlyList<string>> ProcessAsync(CancellationToken cancellationToken)
    {
        if (!await store.TryAcquireLockAsync(LockName, _owner, LockDuration, cancellationToken))
        {
            return [];
        }

        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = RenewAsync(renewing.Token);
        try
        {
            return await ProcessHeldAsync(cancellationToken);
        }
        finally
        {
            await renewing.CancelAsync();
            await WakeSignal.EndedAsync(renewal);
        }
    }

    // A merge runs the project's tests, which may take longer than the lease: it is renewed while the pass goes on.
    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(LockDuration / 3, workspace.Time, cancellationToken);
            await store.TryAcquireLockAsync(LockName, _owner, LockDuration, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<string>> ProcessHeldAsync(CancellationToken cancellationToken)
    {
        var waiting = (await store.ListItemsAsync(workspace.Project.Id, new ItemQuery { Statuses = [WorkStatus.AwaitingApproval] }, cancellationToken)).Items;
        foreach (var item in waiting.Where(i => _rated.Add((i.Key, i.Version))))
        {
            await RateAsync(item, cancellationToken);
        }

        var merged = new List<string>();
        foreach (var item in await store.ListApprovedAsync(workspace.Project.Id, cancellationToken))
        {
            if (await MergeAsync(item, cancellationToken))
            {
                merged.Add(item.Key);
            }
        }

        return merged;
    }

    private async Task RateAsync(WorkItem item, CancellationToken cancellationToken)
    {
        if (item.Kind == WorkKind.Plan)
        {
            // A plan changes no code: it is the person's to approve when plan review is on, the policy's otherwise.
            await (workspace.Config.Approvals.PlanReview
                ? PublishAsync(item, EventTypes.ApprovalRequired, new { risk = "Plan", reasons = PlanReviewReasons }, cancellationToken)
                : store.DecideApprovalAsync(item.ProjectId, item.Key, true, "approved by policy: a plan, and plan review is off", Actor.System, cancellationToken));
            return;
        }

        var changed = await GitAsync(workspace.Root, ["diff", "--name-only", $"{DefaultBranch}...{Branch(item)}"], cancellationToken);
        var files = changed.Succeeded ? changed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
        var verdict = RiskAssessment.Assess(item, files, workspace.Config.Approvals);
        if (verdict.ApprovedByPolicy(workspace.Config.Approvals))
        {
            await store.DecideApprovalAsync(item.ProjectId, item.Key, true, $"approved by policy: {verdict.Describe()}; verification passed", Actor.System, cancellationToken);
        }
        else
        {
            await PublishAsync(item, EventTypes.ApprovalRequired, new { risk = verdict.Tier.ToString(), reasons = verdict.Reasons, files }, cancellationToken);
        }
    }

    private async Task<bool> MergeAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var branch = Branch(item);
        var before = (await GitAsync(workspace.Root, ["rev-parse", $"refs/heads/{DefaultBranch}"], cancellationToken)).StandardOutput;
        if (item.Kind == WorkKind.Plan)
        {
            // A plan changes no code: approved, it is done, and its items are released.
            return await DoneAsync(item, before, "approved plan, nothing to merge");
        }

        if ((await GitAsync(workspace.Root, ["merge-base", "--is-ancestor", branch, before], cancellationToken)).Succeeded)
        {
            return await DoneAsync(item, before, "already merged");
        }

        var scratch = await ScratchAsync(before, cancellationToken);
        var merge = await GitAsync(scratch, ["merge", "--no-ff", "-m", $"wilson: merge {item.Key} {item.Title}", branch], cancellationToken);
        if (!merge.Succeeded)
        {
            var conflicts = (await GitAsync(scratch, ["diff", "--name-only", "--diff-filter=U"], cancellationToken)).StandardOutput.Replace('\n', ' ').Trim();
            await GitAsync(scratch, ["merge", "--abort"], cancellationToken);
            await LeaveConflictAsync(item, cancellationToken);
            return await SendBackAsync(item,
                $"merging {branch} into {DefaultBranch} conflicts in: {conflicts}. The merge of {DefaultBranch} is left in your worktree: resolve the conflict markers in those files, keep both changes' intent, and run the tests.",
                cancellationToken);
        }

        if (!string.IsNullOrWhiteSpace(workspace.Config.TestCommand))
        {
            var tests = await workspace.RunnerFor(scratch).RunAsync(
                new CommandRequest { Command = workspace.Config.TestCommand, WorkingDirectory = scratch, Limits = workspace.Limits }, null, cancellationToken);
            if (!tests.Succeeded)
            {
                return await SendBackAsync(item,
                    $"after merging into {DefaultBranch}, `{workspace.Config.TestCommand}` failed ({tests.Reason ?? $"exit {tests.ExitCode}"}); {DefaultBranch} was left as it was:\n{Tail(tests.Output)}",
                    cancellationToken);
            }
        }

        var merged = (await GitAsync(scratch, ["rev-parse", "HEAD"], cancellationToken)).StandardOutput;
        if (await AdvanceAsync(before, merged, cancellationToken) is { } problem)
        {
            // The default branch moved under us or the checkout refused: the approval stands; the next pass tries again.
            await PublishAsync(item, EventTypes.ItemMerged, new { merged = false, problem }, cancellationToken);
            return false;
        }

        return await DoneAsync(item, merged, "merged");
    }

    /// <summary>The merge worktree, detached at <paramref name="commit"/> and clean.</summary>
    private async Task<string> ScratchAsync(string commit, CancellationToken cancellationToken)
    {
        var path = workspace.Worktrees.PathOf(MergeWorktree);
        if (!File.Exists(Path.Combine(path, ".git")))
        {
            await workspace.Worktrees.AddDetachedAsync(path, commit, cancellationToken);
            return path;
        }

        await GitAsync(path, ["merge", "--abort"], cancellationToken);
        await CheckedAsync(path, ["checkout", "--quiet", "--detach", "--force", commit], cancellationToken);
        await CheckedAsync(path, ["clean", "-fdxq"], cancellationToken);
        return path;
    }

    /// <summary>Moves the default branch from <paramref name="from"/> to <paramref name="to"/>; null when done, else what stopped it.</summary>
    private async Task<string?> AdvanceAsync(string from, string to, CancellationToken cancellationToken)
    {
        var head = await GitAsync(workspace.Root, ["symbolic-ref", "--quiet", "--short", "HEAD"], cancellationToken);
        if (head.Succeeded && head.StandardOutput == DefaultBranch)
        {
            // The project's own checkout is on the default branch: move it with its files, or not at all.
            var forward = await GitAsync(workspace.Root, ["merge", "--ff-only", "--quiet", to], cancellationToken);
            return forward.Succeeded ? null : $"the checkout of {DefaultBranch} could not move forward: {forward.StandardError}";
        }

        var moved = await GitAsync(workspace.Root, ["update-ref", $"refs/heads/{DefaultBranch}", to, from], cancellationToken);
        return moved.Succeeded ? null : $"{DefaultBranch} could not move: {moved.StandardError}";
    }

    // The item's worktree gets the default branch merged in, conflicts and all, for the developer to finish.
    private async Task LeaveConflictAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var worktree = await workspace.Worktrees.EnsureAsync(item.Key, item.Title, cancellationToken);
        await GitAsync(worktree, ["merge", "--no-commit", DefaultBranch], cancellationToken);
    }

    private async Task<bool> SendBackAsync(WorkItem item, string feedback, CancellationToken cancellationToken)
    {
        var back = pipelines.Get(item.Pipeline).FixingStage(item.Stage);
        await store.AddFeedbackAsync(item.ProjectId, item.Key, feedback, Actor.System, cancellationToken);
        // Refused only if the item moved meanwhile (a person acted): then theirs is the last word.
        await store.TransitionAsync(item.ProjectId, item.Key, TransitionTarget.ToStage(back.Name), $"not merged: {feedback.Split('\n')[0]}", Actor.System, item.Version, cancellationToken);
        return false;
    }

    // Once the default branch has moved, the bookkeeping runs to the end even when Wilson is stopping.
    private async Task<bool> DoneAsync(WorkItem item, string commit, string how)
    {
        await PublishAsync(item, EventTypes.ItemMerged, new { merged = true, how, commit, branch = Branch(item), into = DefaultBranch }, CancellationToken.None);
        var final = pipelines.Get(item.Pipeline).FinalStage.Name;
        var done = await store.TransitionAsync(
            item.ProjectId, item.Key, TransitionTarget.ToStage(final), $"{how} into {DefaultBranch} as {commit[..Math.Min(10, commit.Length)]}", Actor.System, item.Version, CancellationToken.None);
        if (!done.Succeeded)
        {
            return false;
        }

        await workspace.Worktrees.RemoveAsync(item.Key, CancellationToken.None);
        if (item.Kind == WorkKind.Plan)
        {
            await ReleasePlanAsync(item);
        }

        return true;
    }

    // An approved plan's items, kept Draft for the review, become Ready (those that meet the Definition of Ready).
    private async Task ReleasePlanAsync(WorkItem plan)
    {
        var drafts = await store.ListItemsAsync(plan.ProjectId, new ItemQuery { Statuses = [WorkStatus.Draft], Parent = plan.Key }, CancellationToken.None);
        foreach (var draft in drafts.Items)
        {
            await store.TransitionAsync(plan.ProjectId, draft.Key, TransitionTarget.ToStatus(WorkStatus.Ready), $"plan {plan.Key} approved", Actor.System, draft.Version, CancellationToken.None);
        }
    }

    private async Task WatchAsync(long after, WakeSignal wake, CancellationToken cancellationToken)
    {
        await foreach (var e in store.WatchEventsAsync(new EventQuery { AfterSequence = after, ProjectId = workspace.Project.Id }, cancellationToken))
        {
            if (Wakers.Contains(e.Type))
            {
                wake.Wake();
            }
        }
    }

    private static string Branch(WorkItem item) => ItemWorktrees.BranchOf(item.Key, item.Title);

    private Task<GitResult> GitAsync(string directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        Git.RunAsync(directory, arguments, cancellationToken);

    private async Task CheckedAsync(string directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await Git.RunAsync(directory, arguments, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed in {directory}: {result.StandardError}");
        }
    }

    private async Task PublishAsync(WorkItem item, string type, object payload, CancellationToken cancellationToken) =>
        await store.AppendEventAsync(new NewEvent(item.ProjectId, item.Key, type, Actor.System, JsonSerializer.Serialize(payload)), cancellationToken);

    private static string Tail(string output) => output.Length <= 2_000 ? output : "..." + output[^2_000..];
}
