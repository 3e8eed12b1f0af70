using System.Text.Json;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Workflow;
using Wilson.Testing.Models;

namespace Wilson.Orchestration.Tests;

/// <summary>
/// Finished work into the default branch with real git: approved by policy or by a person by its risk,
/// merged one at a time after the tests pass on the merge, sent back on a conflict or a failing test,
/// never merged twice; a dependent item runs once its dependency is merged.
/// </summary>
public sealed class MergeQueueTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private OrchestratorFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await OrchestratorFixture.StartAsync(
    [
        new ScriptedTurn { WhenContains = "T-1 Alpha\nStage: develop", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"alpha.txt","content":"alpha\n"}""")] },
        new ScriptedTurn { WhenContains = "Beta\nStage: develop", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"beta.txt","content":"beta\n"}""")] },
        new ScriptedTurn { WhenContains = "Schema\nStage: develop", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"db/migrations/0001_users.sql","content":"CREATE TABLE users (id INT);\n"}""")] },
        new ScriptedTurn { WhenContains = "Breaker\nStage: develop", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"breaker.txt","content":"breaks main's new test\n"}""")], Once = true },
        new ScriptedTurn { WhenContains = "Left\nStage: develop", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"shared.txt","content":"left\n"}""")], Once = true },
        new ScriptedTurn { WhenContains = "Right\nStage: develop", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"shared.txt","content":"right\n"}""")], Once = true },
        new ScriptedTurn { WhenContains = "wrote ", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"written"}""")] },
        new ScriptedTurn { WhenContains = "diff --git", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"looks right"}""")] },
        new ScriptedTurn { WhenContains = "Stage: review", ToolCalls = [new ScriptedToolCall("git_diff", "{}")] },
        new ScriptedTurn { WhenContains = "Stage: develop", ToolCalls = [new ScriptedToolCall("finish", """{"result":"blocked","summary":"stopping here for the test"}""")] },
    ]);

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task Low_risk_work_is_approved_by_the_policy_merged_and_done()
    {
        await _fixture.AddAsync("Alpha");

        await _fixture.RunUntilAsync(() => _fixture.IsAsync("T-1", WorkStatus.Done, "done"), "Alpha is merged and done", merging: true);

        Assert.Equal("alpha\n", File.ReadAllText(Path.Combine(_fixture.Root, "alpha.txt")));
        Assert.Contains("wilson: merge T-1 Alpha", await _fixture.GitAsync("log", "--format=%s", "main"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_fixture.Workspace.Worktrees.PathOf("T-1")), "the worktree is removed");
        Assert.Contains("wilson/T-1-alpha", await _fixture.GitAsync("branch", "--list", "wilson/*"), StringComparison.Ordinal);
        var events = await _fixture.EventsAsync("T-1");
        var approved = events.Single(e => e.Type == EventTypes.ItemApproved);
        Assert.Equal(Actor.System, approved.Actor);
        Assert.Contains("approved by policy: low risk", approved.PayloadJson, StringComparison.Ordinal);
        Assert.True(JsonDocument.Parse(events.Single(e => e.Type == EventTypes.ItemMerged).PayloadJson).RootElement.GetProperty("merged").GetBoolean());
    }

    [Fact]
    public async Task High_risk_work_waits_for_a_person_then_merges()
    {
        await _fixture.AddAsync("Schema");

        await _fixture.RunUntilAsync(async () => (await _fixture.EventsAsync("T-1")).Exists(e => e.Type == EventTypes.ApprovalRequired), "Schema waits for a person", merging: true);
        var required = (await _fixture.EventsAsync("T-1")).Single(e => e.Type == EventTypes.ApprovalRequired);
        Assert.Equal("High", JsonDocument.Parse(required.PayloadJson).RootElement.GetProperty("risk").GetString());
        Assert.Empty(await _fixture.Store.ListApprovedAsync(_fixture.Project.Id, Ct));
        Assert.False(File.Exists(Path.Combine(_fixture.Root, "db", "migrations", "0001_users.sql")));

        var decided = await _fixture.Store.DecideApprovalAsync(_fixture.Project.Id, "T-1", true, "checked the migration", Actor.Person("ada"), Ct);
        Assert.True(decided.Succeeded, decided.Error);
        Assert.Equal(["T-1"], await _fixture.Merges.ProcessAsync(Ct));

        Assert.True(await _fixture.IsAsync("T-1", WorkStatus.Done), "merged after the person approved");
        Assert.True(File.Exists(Path.Combine(_fixture.Root, "db", "migrations", "0001_users.sql")));
    }

    [Fact]
    public async Task A_merge_whose_tests_fail_never_reaches_the_default_branch_and_goes_back_with_the_output()
    {
        // The change passes its own tests (the developer's verification runs them), but main moves on meanwhile
        // with a test it breaks: only the tests run on the merge can catch that.
        await _fixture.AddAsync("Breaker");
        await _fixture.Workspace.Worktrees.EnsureAsync("T-1", "Breaker", CancellationToken.None);
        File.AppendAllText(Path.Combine(_fixture.Root, "test.sh"), "[ ! -e breaker.txt ]\n");
        await _fixture.GitAsync("commit", "--quiet", "-am", "main gets a test the branch breaks");
        var before = await _fixture.GitAsync("rev-parse", "main");

        await _fixture.RunUntilAsync(async () => (await _fixture.EventsAsync("T-1")).Exists(e => e.PayloadJson.Contains("not merged: after merging into main", StringComparison.Ordinal)),
            "Breaker is sent back", merging: true);

        Assert.Equal(before, await _fixture.GitAsync("rev-parse", "main"));
        Assert.False(File.Exists(Path.Combine(_fixture.Root, "breaker.txt")), "main's checkout never had the change");
        var feedback = (await _fixture.EventsAsync("T-1")).Last(e => e.Type == EventTypes.ItemFeedback);
        Assert.Contains("`sh test.sh` failed (exit 1)", JsonDocument.Parse(feedback.PayloadJson).RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conflict_goes_back_to_develop_with_the_files_and_the_merge_left_in_its_worktree()
    {
        await _fixture.AddAsync("Left");
        await _fixture.AddAsync("Right");

        await _fixture.RunUntilAsync(async () => await _fixture.IsAsync("T-1", WorkStatus.Done) && await _fixture.IsAsync("T-2", WorkStatus.Done) ||
            (await _fixture.EventsAsync("T-1")).Concat(await _fixture.EventsAsync("T-2")).Any(e => e.PayloadJson.Contains("conflicts in: shared.txt", StringComparison.Ordinal)),
            "one of Left and Right merges, the other conflicts", merging: true);

        var done = await _fixture.IsAsync("T-1", WorkStatus.Done) ? "T-1" : "T-2";
        var conflicted = done == "T-1" ? "T-2" : "T-1";
        Assert.True(await _fixture.IsAsync(done, WorkStatus.Done), "the first one merged");
        var feedback = (await _fixture.EventsAsync(conflicted)).Last(e => e.Type == EventTypes.ItemFeedback);
        Assert.Contains("conflicts in: shared.txt", JsonDocument.Parse(feedback.PayloadJson).RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
        var worktree = _fixture.Workspace.Worktrees.PathOf(conflicted);
        Assert.Contains("<<<<<<<", File.ReadAllText(Path.Combine(worktree, "shared.txt")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_fixture.Root, ".git", "worktrees", conflicted, "MERGE_HEAD")), "the merge waits in the item's worktree");
    }

    [Fact]
    public async Task A_dependent_item_runs_once_its_dependency_is_merged()
    {
        await _fixture.AddAsync("Alpha");
        await _fixture.AddAsync("Beta", "T-1");

        await _fixture.RunUntilAsync(() => _fixture.IsAsync("T-2", WorkStatus.Done), "Beta is merged after Alpha", merging: true);

        Assert.True(File.Exists(Path.Combine(_fixture.Root, "alpha.txt")) && File.Exists(Path.Combine(_fixture.Root, "beta.txt")));
        var alphaDone = (await _fixture.EventsAsync("T-1")).Single(e => e.Type == EventTypes.ItemMerged).Sequence;
        var betaStarted = (await _fixture.EventsAsync("T-2")).First(e => e.Type == EventTypes.WorkerStarted).Sequence;
        Assert.True(betaStarted > alphaDone, "Beta started after Alpha was merged");
    }

    [Fact]
    public async Task With_plan_review_a_plans_items_wait_as_Draft_until_a_person_approves_the_plan()
    {
        var ada = Actor.Person("ada");
        var plan = (await _fixture.Store.AddItemAsync(_fixture.Project.Id, new NewWorkItem
        {
            Title = "an idea", AcceptanceCriteria = ["broken into items"], Kind = WorkKind.Plan, Pipeline = "plan",
        }, ada, Ct)).Item!;
        var child = (await _fixture.Store.AddItemAsync(_fixture.Project.Id, new NewWorkItem
        {
            Title = "first part", AcceptanceCriteria = ["it works"], Parent = plan.Key, KeepAsDraft = true, Pipeline = "quick",
        }, Actor.Agent("planner"), Ct)).Item!;
        var claimed = (await _fixture.Store.ClaimAsync(new Core.Storage.ClaimRequest("w", TimeSpan.FromMinutes(1), _fixture.Project.Id), Ct))!;
        Assert.Equal(plan.Key, claimed.Key);
        await _fixture.Store.CompleteAsync(claimed, "w", TransitionTarget.ToStatus(WorkStatus.AwaitingApproval), "plan passed", Actor.System, Ct);
        var workspace = new Workers.ProjectWorkspace(_fixture.Project, _fixture.Root,
            _fixture.Workspace.Config with { Approvals = _fixture.Workspace.Config.Approvals with { PlanReview = true } }, _fixture.Workspace.Environment, TimeProvider.System);
        var merges = new Merging.MergeQueue(_fixture.Store, workspace, _fixture.Pipelines);

        Assert.Empty(await merges.ProcessAsync(Ct));
        Assert.Contains(await _fixture.EventsAsync(plan.Key), e => e.Type == EventTypes.ApprovalRequired);
        Assert.Equal(WorkStatus.Draft, (await _fixture.ItemAsync(child.Key)).Status);

        Assert.True((await _fixture.Store.DecideApprovalAsync(_fixture.Project.Id, plan.Key, true, "good plan", ada, Ct)).Succeeded);
        Assert.Equal([plan.Key], await merges.ProcessAsync(Ct));

        Assert.Equal(WorkStatus.Done, (await _fixture.ItemAsync(plan.Key)).Status);
        Assert.Equal(WorkStatus.Ready, (await _fixture.ItemAsync(child.Key)).Status);
        Assert.Contains(await _fixture.EventsAsync(child.Key), e => e.PayloadJson.Contains($"plan {plan.Key} approved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_branch_merged_already_is_not_merged_twice()
    {
        await _fixture.AddAsync("Alpha");
        await _fixture.RunUntilAsync(async () => (await _fixture.EventsAsync("T-1")).Exists(e => e.Type == EventTypes.ItemApproved), "Alpha is approved", merging: true);
        var item = await _fixture.ItemAsync("T-1");
        if (item.Status == WorkStatus.Done)
        {
            // The queue was quicker than the stop: undo nothing, the point below still holds for a second pass.
            Assert.Empty(await _fixture.Merges.ProcessAsync(Ct));
            return;
        }

        // As if Wilson died after moving main and before marking the item done.
        await _fixture.GitAsync("merge", "--no-ff", "-m", "merged before the crash", "wilson/T-1-alpha");
        var commits = await _fixture.GitAsync("rev-list", "--count", "main");

        Assert.Equal(["T-1"], await _fixture.Merges.ProcessAsync(Ct));

        Assert.Equal(commits, await _fixture.GitAsync("rev-list", "--count", "main"));
        Assert.True(await _fixture.IsAsync("T-1", WorkStatus.Done));
        Assert.Contains("already merged", (await _fixture.EventsAsync("T-1")).Last(e => e.Type == EventTypes.ItemTransitioned).PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_queue_merges_nothing_while_another_process_holds_the_projects_merge_lease()
    {
        await _fixture.AddAsync("Alpha");
        await _fixture.RunUntilAsync(() => _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval), "Alpha waits for approval");
        var lease = $"merge:{_fixture.Project.Id}";
        Assert.True(await _fixture.Store.TryAcquireLockAsync(lease, "another-wilson", TimeSpan.FromMinutes(5), Ct));

        Assert.Empty(await _fixture.Merges.ProcessAsync(Ct));
        Assert.True(await _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval));
        Assert.DoesNotContain(await _fixture.EventsAsync("T-1"), e => e.Type == EventTypes.ItemApproved);

        await _fixture.Store.ReleaseLockAsync(lease, "another-wilson", Ct);
        Assert.Equal(["T-1"], await _fixture.Merges.ProcessAsync(Ct));
        Assert.True(await _fixture.IsAsync("T-1", WorkStatus.Done));

        // Now this queue holds it: the other process's queue would pass.
        Assert.False(await _fixture.Store.TryAcquireLockAsync(lease, "another-wilson", TimeSpan.FromMinutes(5), Ct));
    }
}
