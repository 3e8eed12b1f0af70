using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Projects;
using Wilson.Core.Storage;
using Wilson.Core.Usage;
using Wilson.Core.Workflow;
using Wilson.Testing;

namespace Wilson.Storage.Tests;

/// <summary>
/// What every <see cref="IWorkStore"/> must do, run against each real database by a sealed subclass.
/// Each test gets a fresh database.
/// </summary>
public abstract partial class WorkStoreContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly List<IWorkStore> _stores = [];

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    protected DatabaseLocation Location { get; private set; } = null!;

    protected IWorkStore Store { get; private set; } = null!;

    protected Project Project { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract Task<DatabaseLocation> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        Location = await CreateDatabaseAsync();
        Store = await OpenAsync(Time);
        Project = await TestStores.RegisterAsync(Store, "demo", Ct);
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    protected async Task<IWorkStore> OpenAsync(TimeProvider time)
    {
        var store = await TestStores.OpenAsync(Location, time, Ct);
        _stores.Add(store);
        return store;
    }

    protected async Task<WorkItem> AddAsync(string title, int priority = 5, params string[] dependsOn)
    {
        var result = await Store.AddItemAsync(Project.Id, Item(title, priority, dependsOn), Actor.Person("ada"), Ct);
        Assert.True(result.Succeeded, result.Error);
        return result.Item!;
    }

    protected static NewWorkItem Item(string title, int priority = 5, params string[] dependsOn) => new()
    {
        Title = title,
        AcceptanceCriteria = [$"{title} works"],
        Priority = priority,
        Dependencies = dependsOn,
    };

    private static ClaimRequest Claim(string owner = "worker-1", long? projectId = null) => new(owner, TimeSpan.FromMinutes(1), projectId);

    [Fact]
    public async Task RegisterProject_Twice_ReturnsTheSameProjectAndOneEvent()
    {
        var again = await TestStores.RegisterAsync(Store, "demo", Ct);

        Assert.Equal(Project.Id, again.Id);
        var events = await Store.ReadEventsAsync(new EventQuery { ProjectId = Project.Id }, Ct);
        Assert.Single(events, e => e.Type == EventTypes.ProjectCreated);
    }

    [Fact]
    public async Task OpenAsync_OnAMigratedDatabase_AppliesNothingAndKeepsData()
    {
        await AddAsync("first");

        var reopened = await OpenAsync(Time);

        var project = await reopened.FindProjectAsync("demo", Ct);
        Assert.NotNull(project);
        Assert.NotNull(await reopened.GetItemAsync(project.Id, "T-1", Ct));
    }

    [Fact]
    public async Task AddItem_Twice_GivesSequentialKeysAndStartsAtTheFirstStage()
    {
        var first = await AddAsync("first");
        var second = await AddAsync("second");

        Assert.Equal("T-1", first.Key);
        Assert.Equal("T-2", second.Key);
        Assert.Equal("plan", first.Stage);
        Assert.Equal(1, first.Version);
    }

    [Fact]
    public async Task AddItem_WithAcceptanceCriteria_IsReady_WithoutThem_IsDraft()
    {
        var ready = await AddAsync("with criteria");
        var draft = await Store.AddItemAsync(Project.Id, new NewWorkItem { Title = "no criteria" }, Actor.System, Ct);
        var kept = await Store.AddItemAsync(Project.Id, Item("kept") with { KeepAsDraft = true }, Actor.System, Ct);

        Assert.Equal(WorkStatus.Ready, ready.Status);
        Assert.Equal(WorkStatus.Draft, draft.Item!.Status);
        Assert.Equal(WorkStatus.Draft, kept.Item!.Status);
    }

    [Fact]
    public async Task AddItem_WithoutTier_InfersItAndRecordsTheReason()
    {
        var item = (await Store.AddItemAsync(Project.Id, Item("Fix typo in README"), Actor.System, Ct)).Item!;

        Assert.Equal(ComplexityTier.Trivial, item.Tier);
        var created = (await Store.ReadEventsAsync(new EventQuery { ItemKey = item.Key }, Ct)).Single(e => e.Type == EventTypes.ItemCreated);
        Assert.Contains("typo", created.PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddItem_AllFieldsRoundTrip()
    {
        var spec = Item("full") with
        {
            Description = "all of it",
            DefinitionOfDone = ["merged"],
            Kind = WorkKind.Bug,
            Tier = ComplexityTier.Complex,
            Context = new ItemContext { RelevantFiles = ["src/a.cs"], Branch = "wilson/T-1-full" },
            Verification = [new VerificationStep("file_exists", "src/a.cs")],
            Checklist = [new ChecklistStep("write it", true), new ChecklistStep("test it", false)],
            Pipeline = "tdd",
        };

        var added = (await Store.AddItemAsync(Project.Id, spec, Actor.System, Ct)).Item!;
        var read = await Store.GetItemAsync(Project.Id, added.Key, Ct);

        Assert.NotNull(read);
        Assert.Equal("all of it", read.Description);
        Assert.Equal(["merged"], read.DefinitionOfDone);
        Assert.Equal(WorkKind.Bug, read.Kind);
        Assert.Equal(ComplexityTier.Complex, read.Tier);
        Assert.Equal(["src/a.cs"], read.Context.RelevantFiles);
        Assert.Equal("wilson/T-1-full", read.Context.Branch);
        Assert.Equal(new VerificationStep("file_exists", "src/a.cs"), Assert.Single(read.Verification));
        Assert.Equal((1, 2), read.Progress);
        Assert.Equal("tdd", read.Pipeline);
        Assert.Equal(added.CreatedAt, read.CreatedAt);
    }

    [Fact]
    public async Task AddItem_UnknownDependency_IsRefusedNamingIt()
    {
        var result = await Store.AddItemAsync(Project.Id, Item("child", 5, "T-9"), Actor.System, Ct);

        Assert.Equal(WriteFailure.InvalidInput, result.Failure);
        Assert.Contains("no item T-9 in project demo", result.Error, StringComparison.Ordinal);
        Assert.Empty((await Store.ListItemsAsync(Project.Id, ItemQuery.All, Ct)).Items);
    }

    [Fact]
    public async Task AddItem_BadFields_AreRefusedNamingEachField()
    {
        var result = await Store.AddItemAsync(Project.Id, Item("") with { Priority = 11, Pipeline = "tdx" }, Actor.System, Ct);

        Assert.Equal(WriteFailure.InvalidInput, result.Failure);
        Assert.Contains("title: must not be empty", result.Error, StringComparison.Ordinal);
        Assert.Contains("priority: 11 is outside 1-10", result.Error, StringComparison.Ordinal);
        Assert.Contains("no pipeline 'tdx' (did you mean 'tdd'?)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddItems_OneBadItem_AddsNone()
    {
        var results = await Store.AddItemsAsync(Project.Id, [Item("good"), Item("bad", 0)], Actor.System, Ct);

        Assert.All(results, r => Assert.False(r.Succeeded));
        Assert.Contains("priority", results[1].Error, StringComparison.Ordinal);
        Assert.Empty((await Store.ListItemsAsync(Project.Id, ItemQuery.All, Ct)).Items);
        Assert.Equal("T-1", (await AddAsync("after")).Key);
    }

    [Fact]
    public async Task AddItem_FromEightWritersAtOnce_GivesEveryItemAUniqueGapFreeKey()
    {
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var result = await Store.AddItemAsync(Project.Id, Item($"w{w}-{i}"), Actor.System, Ct);
                Assert.True(result.Succeeded, result.Error);
            }
        }));
        await Task.WhenAll(writers).WaitAsync(Patience);

        var keys = (await Store.ListItemsAsync(Project.Id, ItemQuery.All, Ct)).Items.Select(i => i.Key).ToHashSet();
        Assert.Equal(Enumerable.Range(1, 200).Select(n => $"T-{n}").ToHashSet(), keys);
    }

    [Fact]
    public async Task Keys_ArePerProject()
    {
        var other = await TestStores.RegisterAsync(Store, "other", Ct);
        await AddAsync("in demo");

        var inOther = await Store.AddItemAsync(other.Id, Item("in other"), Actor.System, Ct);

        Assert.Equal("T-1", inOther.Item!.Key);
    }

    [Fact]
    public async Task TransitionAsync_Allowed_ChangesStatusBumpsVersionAndAppendsEvent()
    {
        var item = await AddAsync("move me");

        var result = await Store.TransitionAsync(Project.Id, item.Key, TransitionTarget.ToStage("develop"), "planned", Actor.Person("ada"), item.Version, Ct);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("develop", result.Item!.Stage);
        Assert.Equal(WorkStatus.Ready, result.Item.Status);
        Assert.Equal(item.Version + 1, result.Item.Version);
        var moved = (await Store.ReadEventsAsync(new EventQuery { ItemKey = item.Key }, Ct))[^1];
        Assert.Equal(EventTypes.ItemTransitioned, moved.Type);
        Assert.Equal(Actor.Person("ada"), moved.Actor);
        using var payload = JsonDocument.Parse(moved.PayloadJson);
        Assert.Equal("plan", payload.RootElement.GetProperty("from").GetProperty("stage").GetString());
        Assert.Equal("develop", payload.RootElement.GetProperty("to").GetProperty("stage").GetString());
        Assert.Equal("planned", payload.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task TransitionAsync_Refused_NamesAllowedTargetsAndChangesNothing()
    {
        var item = await AddAsync("stay");
        var eventsBefore = await Store.ReadEventsAsync(new EventQuery(), Ct);

        var result = await Store.TransitionAsync(Project.Id, item.Key, TransitionTarget.ToStatus(WorkStatus.Running), "by hand", Actor.Person("ada"), null, Ct);

        Assert.Equal(WriteFailure.TransitionRefused, result.Failure);
        Assert.Contains("cannot move from Ready", result.Error, StringComparison.Ordinal);
        Assert.Contains("Cancelled", result.AllowedTargets);
        var unchanged = (await Store.GetItemAsync(Project.Id, item.Key, Ct))!;
        Assert.Equal((item.Version, item.Status, item.Stage), (unchanged.Version, unchanged.Status, unchanged.Stage));
        Assert.Equal(eventsBefore.Count, (await Store.ReadEventsAsync(new EventQuery(), Ct)).Count);
    }

    [Fact]
    public async Task TransitionAsync_UnknownKey_IsNotFound()
    {
        var result = await Store.TransitionAsync(Project.Id, "T-42", TransitionTarget.ToStatus(WorkStatus.Paused), "why", Actor.System, null, Ct);

        Assert.Equal(WriteFailure.NotFound, result.Failure);
        Assert.Equal("no item T-42", result.Error);
    }

    [Fact]
    public async Task TransitionAsync_StaleVersion_IsRefusedWithAClearError()
    {
        var item = await AddAsync("contended");
        await Store.TransitionAsync(Project.Id, item.Key, TransitionTarget.ToStatus(WorkStatus.Paused), "first", Actor.Person("ada"), item.Version, Ct);

        var stale = await Store.TransitionAsync(Project.Id, item.Key, TransitionTarget.ToStatus(WorkStatus.Cancelled), "second", Actor.Person("bob"), item.Version, Ct);

        Assert.Equal(WriteFailure.StaleVersion, stale.Failure);
        Assert.Equal($"T-1 changed since it was read (it is at version 2, the change was made against 1): read it again and retry", stale.Error);
        Assert.Equal(WorkStatus.Paused, (await Store.GetItemAsync(Project.Id, item.Key, Ct))!.Status);
    }

    [Fact]
    public async Task EditItemAsync_CurrentVersion_Applies_StaleVersion_IsRefused()
    {
        var item = await AddAsync("edit me");

        var edited = await Store.EditItemAsync(Project.Id, item.Key, new ItemEdit { Title = "edited", Priority = 2 }, item.Version, Actor.Person("ada"), Ct);
        var stale = await Store.EditItemAsync(Project.Id, item.Key, new ItemEdit { Title = "lost" }, item.Version, Actor.Person("bob"), Ct);

        Assert.True(edited.Succeeded, edited.Error);
        Assert.Equal(("edited", 2), (edited.Item!.Title, edited.Item.Priority));
        Assert.Equal(WriteFailure.StaleVersion, stale.Failure);
        Assert.Contains("changed since it was read", stale.Error, StringComparison.Ordinal);
        Assert.Equal("edited", (await Store.GetItemAsync(Project.Id, item.Key, Ct))!.Title);
    }

    [Fact]
    public async Task EditItemAsync_DependencyCycle_IsRefusedNamingTheCycle()
    {
        var first = await AddAsync("first");
        await AddAsync("second", 5, first.Key);

        var result = await Store.EditItemAsync(Project.Id, first.Key, new ItemEdit { Dependencies = ["T-2"] }, first.Version, Actor.Person("ada"), Ct);

        Assert.Equal(WriteFailure.InvalidInput, result.Failure);
        Assert.Contains("dependency cycle: T-1 -> T-2 -> T-1", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimAsync_TakesMostUrgentThenOldest_AndLeasesIt()
    {
        await AddAsync("later", 5);
        await AddAsync("urgent", 1);
        await AddAsync("also urgent but newer", 1);

        var claimed = await Store.ClaimAsync(Claim("worker-1"), Ct);

        Assert.NotNull(claimed);
        Assert.Equal("T-2", claimed.Key);
        Assert.Equal(WorkStatus.Running, claimed.Status);
        Assert.Equal(new Lease("worker-1", Time.GetUtcNow() + TimeSpan.FromMinutes(1)), claimed.Lease);
        var claimEvent = (await Store.ReadEventsAsync(new EventQuery { ItemKey = "T-2" }, Ct))[^1];
        Assert.Contains("claimed by worker-1", claimEvent.PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimAsync_RecordsItsEventInTheShapeOfEveryTransition()
    {
        var item = await AddAsync("claimed", 1);

        await Store.ClaimAsync(Claim("worker-7"), Ct);

        var claimEvent = (await Store.ReadEventsAsync(new EventQuery { ItemKey = item.Key }, Ct))[^1];
        Assert.Equal(EventTypes.ItemTransitioned, claimEvent.Type);
        Assert.Equal(Actor.System, claimEvent.Actor);
        using var payload = JsonDocument.Parse(claimEvent.PayloadJson);
        var root = payload.RootElement;
        Assert.Equal(item.Stage, root.GetProperty("from").GetProperty("stage").GetString());
        Assert.Equal("Ready", root.GetProperty("from").GetProperty("status").GetString());
        Assert.Equal(item.Stage, root.GetProperty("to").GetProperty("stage").GetString());
        Assert.Equal("Running", root.GetProperty("to").GetProperty("status").GetString());
        Assert.Equal("claimed by worker-7", root.GetProperty("reason").GetString());
        Assert.Equal("worker-7", root.GetProperty("details").GetProperty("owner").GetString());
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromMinutes(1), root.GetProperty("details").GetProperty("leaseExpiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task ClaimAsync_SkipsItemsWhoseDependenciesAreNotDone()
    {
        var first = await AddAsync("first", 5);
        await AddAsync("second", 1, first.Key);

        var claimed = await Store.ClaimAsync(Claim(), Ct);
        Assert.Equal(first.Key, claimed!.Key);
        Assert.Null(await Store.ClaimAsync(Claim(), Ct));

        await Store.CompleteAsync(claimed, "worker-1", TransitionTarget.ToStatus(WorkStatus.Done), "finished", Actor.System, Ct);
        Assert.Equal("T-2", (await Store.ClaimAsync(Claim(), Ct))!.Key);
    }

    [Fact]
    public async Task ClaimAsync_PausedProjectOrItem_IsNotClaimed()
    {
        var item = await AddAsync("paused item");
        await AddAsync("other");
        await Store.TransitionAsync(Project.Id, item.Key, TransitionTarget.ToStatus(WorkStatus.Paused), "wait", Actor.Person("ada"), null, Ct);
        await Store.SetProjectPausedAsync(Project.Id, true, "lunch", Actor.Person("ada"), Ct);

        Assert.Null(await Store.ClaimAsync(Claim(), Ct));

        await Store.SetProjectPausedAsync(Project.Id, false, "back", Actor.Person("ada"), Ct);
        Assert.Equal("T-2", (await Store.ClaimAsync(Claim(), Ct))!.Key);
        Assert.Null(await Store.ClaimAsync(Claim(), Ct));
    }

    [Fact]
    public async Task ClaimAsync_ForAnotherProject_TakesNothingFromThisOne()
    {
        var other = await TestStores.RegisterAsync(Store, "other", Ct);
        await AddAsync("here");

        Assert.Null(await Store.ClaimAsync(Claim(projectId: other.Id), Ct));
        Assert.NotNull(await Store.ClaimAsync(Claim(projectId: Project.Id), Ct));
    }

    [Fact]
    public async Task ClaimAsync_EightConcurrentClaimers_ClaimEachOfAThousandItemsExactlyOnce()
    {
        var batch = Enumerable.Range(1, 1000).Select(i => Item($"item {i}", 1 + (i % 10))).ToList();
        Assert.All(await Store.AddItemsAsync(Project.Id, batch, Actor.System, Ct), r => Assert.True(r.Succeeded, r.Error));
        var claims = new ConcurrentBag<(string Owner, string Key)>();

        var workers = Enumerable.Range(1, 8).Select(w => Task.Run(async () =>
        {
            var owner = $"worker-{w}";
            while (await Store.ClaimAsync(Claim(owner), Ct) is { } item)
            {
                claims.Add((owner, item.Key));
                var done = await Store.CompleteAsync(item, owner, TransitionTarget.ToStatus(WorkStatus.Done), "finished", Actor.Agent("developer"), Ct);
                Assert.True(done.Succeeded, done.Error);
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1000, claims.Count);
        Assert.Equal(1000, claims.Select(c => c.Key).Distinct().Count());
        Assert.True(claims.Select(c => c.Owner).Distinct().Count() > 1, "more than one worker got work");
        var items = (await Store.ListItemsAsync(Project.Id, ItemQuery.All, Ct)).Items;
        Assert.All(items, i => Assert.Equal(("done", WorkStatus.Done), (i.Stage, i.Status)));
    }

    [Fact]
    public async Task RenewLeaseAsync_ByOwner_Extends_ByAnother_IsRefused()
    {
        await AddAsync("long job");
        var claimed = (await Store.ClaimAsync(Claim("worker-1"), Ct))!;
        Time.Advance(TimeSpan.FromSeconds(50));

        Assert.True(await Store.RenewLeaseAsync(claimed.Id, "worker-1", TimeSpan.FromMinutes(1), Ct));
        Assert.False(await Store.RenewLeaseAsync(claimed.Id, "worker-2", TimeSpan.FromMinutes(1), Ct));

        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(SweepResult.Nothing, await Store.SweepExpiredLeasesAsync(3, Ct));
        var item = await Store.GetItemAsync(Project.Id, claimed.Key, Ct);
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(30), item!.Lease!.ExpiresAt);
    }

    [Fact]
    public async Task CompleteAsync_WithTheClaimedCopyAfterHeartbeats_Succeeds()
    {
        await AddAsync("long job");
        var claimed = (await Store.ClaimAsync(Claim("worker-1"), Ct))!;
        Time.Advance(TimeSpan.FromSeconds(40));
        Assert.True(await Store.RenewLeaseAsync(claimed.Id, "worker-1", TimeSpan.FromMinutes(1), Ct));

        var done = await Store.CompleteAsync(claimed, "worker-1", TransitionTarget.ToStage("develop"), "planned", Actor.Agent("planner"), Ct);

        Assert.True(done.Succeeded, done.Error);
        Assert.Equal(claimed.Version + 1, done.Item!.Version);
        Assert.Equal(("develop", WorkStatus.Ready, (Lease?)null), (done.Item.Stage, done.Item.Status, done.Item.Lease));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CompleteAsync_WithAWait_IsNotClaimedAgainBeforeItPasses(bool editedWhileRunning)
    {
        await AddAsync("flaky");
        var claimed = (await Store.ClaimAsync(Claim("worker-1"), Ct))!;
        if (editedWhileRunning)
        {
            // The slow path: the row changed, so the completion decides on the row itself.
            Assert.True((await Store.EditItemAsync(Project.Id, claimed.Key, new ItemEdit { Title = "flaky test" }, claimed.Version, Actor.Person("ada"), Ct)).Succeeded);
        }

        var notBefore = Time.GetUtcNow().AddSeconds(8);
        var retried = await Store.CompleteAsync(
            claimed, "worker-1", TransitionTarget.ToStage("plan") with { NotBefore = notBefore }, "failed, retry", Actor.System, Ct);

        Assert.True(retried.Succeeded, retried.Error);
        Assert.Equal(notBefore, (await Store.GetItemAsync(Project.Id, claimed.Key, Ct))!.NotBefore);
        Assert.Null(await Store.ClaimAsync(Claim("worker-2"), Ct));
        Time.Advance(TimeSpan.FromSeconds(7));
        Assert.Null(await Store.ClaimAsync(Claim("worker-2"), Ct));
        Time.Advance(TimeSpan.FromSeconds(1));
        var again = await Store.ClaimAsync(Claim("worker-2"), Ct);
        Assert.Equal(claimed.Key, again?.Key);
        var paused = await Store.TransitionAsync(Project.Id, claimed.Key, TransitionTarget.ToStatus(WorkStatus.Paused), "lunch", Actor.Person("ada"), null, Ct);
        Assert.Null(paused.Item!.NotBefore);
    }

    [Fact]
    public async Task CompleteAsync_ItemEditedWhileRunning_KeepsTheEditAndTheLease()
    {
        await AddAsync("first title");
        var claimed = (await Store.ClaimAsync(Claim("worker-1"), Ct))!;

        var edited = await Store.EditItemAsync(Project.Id, claimed.Key, new ItemEdit { Title = "better title" }, claimed.Version, Actor.Person("ada"), Ct);
        Assert.True(edited.Succeeded, edited.Error);
        Assert.Equal((WorkStatus.Running, claimed.Lease), (edited.Item!.Status, edited.Item.Lease));
        var done = await Store.CompleteAsync(claimed, "worker-1", TransitionTarget.ToStage("develop"), "planned", Actor.Agent("planner"), Ct);

        Assert.True(done.Succeeded, done.Error);
        var stored = (await Store.GetItemAsync(Project.Id, claimed.Key, Ct))!;
        Assert.Equal(("better title", "develop", WorkStatus.Ready), (stored.Title, stored.Stage, stored.Status));
        Assert.Equal(claimed.Version + 2, stored.Version);
    }

    [Fact]
    public async Task SweepExpiredLeasesAsync_ExpiredLease_ReturnsItemToReadyCountingTheAttempt()
    {
        await AddAsync("crashy");
        var claimed = (await Store.ClaimAsync(Claim("worker-1"), Ct))!;
        Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(SweepResult.Nothing, await Store.SweepExpiredLeasesAsync(3, Ct));

        Time.Advance(TimeSpan.FromSeconds(2));
        var swept = await Store.SweepExpiredLeasesAsync(3, Ct);

        Assert.Equal(["T-1"], swept.Requeued);
        var item = (await Store.GetItemAsync(Project.Id, claimed.Key, Ct))!;
        Assert.Equal((WorkStatus.Ready, 1, (Lease?)null), (item.Status, item.Attempts, item.Lease));
        var late = await Store.CompleteAsync(claimed, "worker-1", TransitionTarget.ToStatus(WorkStatus.Done), "finally", Actor.System, Ct);
        Assert.Equal(WriteFailure.LeaseLost, late.Failure);
        Assert.Equal("T-1: lease lost: the item is Ready, so the result of worker-1 is not applied", late.Error);
    }

    [Fact]
    public async Task SweepExpiredLeasesAsync_AfterMaxAttempts_DeadLettersTheItem_AndRequeueRevivesIt()
    {
        await AddAsync("doomed");
        Assert.NotNull(await Store.ClaimAsync(Claim("worker-1"), Ct));
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(["T-1"], (await Store.SweepExpiredLeasesAsync(2, Ct)).Requeued);
        Assert.NotNull(await Store.ClaimAsync(Claim("worker-2"), Ct));
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(["T-1"], (await Store.SweepExpiredLeasesAsync(2, Ct)).DeadLettered);

        var status = await Store.GetStatusAsync(Project.Id, Ct);
        var dead = Assert.Single(status.DeadLetter);
        Assert.Equal((WorkStatus.Failed, 2), (dead.Status, dead.Attempts));
        Assert.Null(await Store.ClaimAsync(Claim(), Ct));

        var requeued = await Store.RequeueAsync(Project.Id, "T-1", "try again", Actor.Person("ada"), Ct);
        Assert.True(requeued.Succeeded, requeued.Error);
        Assert.Equal((WorkStatus.Ready, 0), (requeued.Item!.Status, requeued.Item.Attempts));
        Assert.NotNull(await Store.ClaimAsync(Claim(), Ct));
    }

    [Fact]
    public async Task RequeueAsync_ItemNotInDeadLetter_IsRefused()
    {
        await AddAsync("fine");

        var result = await Store.RequeueAsync(Project.Id, "T-1", "why", Actor.Person("ada"), Ct);

        Assert.Equal(WriteFailure.TransitionRefused, result.Failure);
        Assert.Equal("T-1 is Ready, not in the dead letter (Failed): only a Failed item is requeued", result.Error);
    }

    [Fact]
    public async Task CompleteAsync_ByAWorkerThatDoesNotHoldTheLease_IsRefused()
    {
        await AddAsync("mine");
        var claimed = (await Store.ClaimAsync(Claim("worker-1"), Ct))!;

        var result = await Store.CompleteAsync(claimed, "worker-2", TransitionTarget.ToStatus(WorkStatus.Done), "stolen", Actor.System, Ct);

        Assert.Equal(WriteFailure.LeaseLost, result.Failure);
        Assert.Contains("held by worker-1", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStatusAsync_CountsByStageAndStatus_AndListsRunning()
    {
        await AddAsync("a");
        await AddAsync("b");
        await Store.AddItemAsync(Project.Id, new NewWorkItem { Title = "c" }, Actor.System, Ct);
        await Store.ClaimAsync(Claim("worker-7"), Ct);

        var status = await Store.GetStatusAsync(Project.Id, Ct);

        Assert.Contains(new StageStatusCount("plan", WorkStatus.Running, 1), status.Counts);
        Assert.Contains(new StageStatusCount("plan", WorkStatus.Ready, 1), status.Counts);
        Assert.Contains(new StageStatusCount("plan", WorkStatus.Draft, 1), status.Counts);
        Assert.Equal("worker-7", Assert.Single(status.Running).Lease!.Owner);
        Assert.Empty(status.DeadLetter);
        Assert.False(status.ProjectPaused);
    }

    [Fact]
    public async Task Events_FromConcurrentWriters_AreOrderedAndGapFree()
    {
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await Store.AppendEventAsync(new NewEvent(Project.Id, null, "test.note", Actor.System, $$"""{"w":{{w}},"i":{{i}}}"""), Ct);
            }
        }));
        await Task.WhenAll(writers).WaitAsync(Patience);

        var events = await Store.ReadEventsAsync(new EventQuery(), Ct);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(n => (long)n), events.Select(e => e.Sequence));
        Assert.Equal(160, events.Count(e => e.Type == "test.note"));
    }

    [Fact]
    public async Task GetLastSequenceAsync_IsTheLastEventsSequence()
    {
        var before = await Store.GetLastSequenceAsync(Ct);
        await AddAsync("one");

        var after = await Store.GetLastSequenceAsync(Ct);

        Assert.True(before > 0, "registering the project appended an event");
        Assert.Equal((await Store.ReadEventsAsync(new EventQuery { AfterSequence = before }, Ct))[^1].Sequence, after);
    }

    [Fact]
    public async Task ReadEventsAsync_FiltersByItemAndPagesBySequence()
    {
        await AddAsync("a");
        await AddAsync("b");
        await Store.TransitionAsync(Project.Id, "T-1", TransitionTarget.ToStatus(WorkStatus.Paused), "hold", Actor.Person("ada"), null, Ct);

        var ofFirst = await Store.ReadEventsAsync(new EventQuery { ItemKey = "T-1" }, Ct);
        var page = await Store.ReadEventsAsync(new EventQuery { AfterSequence = 1, Limit = 2 }, Ct);

        Assert.Equal([EventTypes.ItemCreated, EventTypes.ItemTransitioned], ofFirst.Select(e => e.Type));
        Assert.Equal([2L, 3L], page.Select(e => e.Sequence));
    }

    [Fact]
    public async Task WatchEventsAsync_ReplaysThenWakesOnANewEvent()
    {
        await AddAsync("before");
        using var cts = new CancellationTokenSource(Patience);
        await using var watch = Store.WatchEventsAsync(new EventQuery { ProjectId = Project.Id }, cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(EventTypes.ProjectCreated, watch.Current.Type);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(EventTypes.ItemCreated, watch.Current.Type);

        var next = watch.MoveNextAsync().AsTask();
        Assert.False(next.IsCompleted);
        await AddAsync("after");

        Assert.True(await next);
        Assert.Equal("T-2", watch.Current.ItemKey);
    }

    [Fact]
    public async Task WatchEventsAsync_TwoStoresOnOneDatabase_WakesTheOther()
    {
        var other = await OpenAsync(TimeProvider.System);
        using var cts = new CancellationTokenSource(Patience);
        await using var watch = other.WatchEventsAsync(new EventQuery { AfterSequence = 1 }, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = watch.MoveNextAsync().AsTask();
        var started = TimeProvider.System.GetTimestamp();

        await AddAsync("seen elsewhere");

        // PostgreSQL wakes the other store through LISTEN/NOTIFY, well inside its 5 s safety read;
        // SQLite through a file watcher on the WAL, backed by its 1 s safety read.
        Assert.True(await next.WaitAsync(Patience));
        Assert.Equal("T-1", watch.Current.ItemKey);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(4), "woken within 4 s");
    }

    [Fact]
    public async Task GetUsageAsync_SumsCallsPerExecutionItemProjectAndDay()
    {
        var other = await TestStores.RegisterAsync(Store, "other", Ct);
        var monday = new DateTimeOffset(2026, 11, 23, 23, 59, 0, TimeSpan.Zero);
        ModelCall Call(long? project, string? item, long? execution, long tokensIn, long tokensOut, long costMicros, DateTimeOffset at) => new()
        {
            ProjectId = project, ItemKey = item, ExecutionId = execution, Purpose = "code", Model = "coder:7b", Endpoint = "local",
            InputTokens = tokensIn, OutputTokens = tokensOut, CostMicros = costMicros, At = at,
            Duration = TimeSpan.FromMilliseconds(800), TimeToFirstToken = TimeSpan.FromMilliseconds(120),
        };

        await Store.RecordModelCallAsync(Call(Project.Id, "T-1", 7, 100, 20, 1_500, monday), Ct);
        await Store.RecordModelCallAsync(Call(Project.Id, "T-1", 8, 300, 40, 2_250, monday), Ct);
        await Store.RecordModelCallAsync(Call(Project.Id, "T-2", 9, 50, 5, 333, monday.AddMinutes(2)), Ct);
        await Store.RecordModelCallAsync(Call(other.Id, "T-1", 10, 1_000, 100, 10_000, monday), Ct);
        await Store.RecordModelCallAsync(Call(null, null, null, 10, 1, 1, monday), Ct);

        var day = DateOnly.FromDateTime(monday.UtcDateTime);
        Assert.Equal(new UsageTotals(2, 400, 60, 3_750), await Store.GetUsageAsync(new UsageScope(Project.Id, "T-1"), Ct));
        Assert.Equal(new UsageTotals(1, 300, 40, 2_250), await Store.GetUsageAsync(new UsageScope(ExecutionId: 8), Ct));
        Assert.Equal(new UsageTotals(2, 400, 60, 3_750), await Store.GetUsageAsync(new UsageScope(Project.Id, Day: day), Ct));
        Assert.Equal(new UsageTotals(1, 50, 5, 333), await Store.GetUsageAsync(new UsageScope(Project.Id, Day: day.AddDays(1)), Ct));
        Assert.Equal(new UsageTotals(4, 1_410, 161, 13_751), await Store.GetUsageAsync(new UsageScope(Day: day), Ct));
        Assert.Equal(new UsageTotals(5, 1_460, 166, 14_084), await Store.GetUsageAsync(UsageScope.All, Ct));
        Assert.Equal(0.014084m, (await Store.GetUsageAsync(UsageScope.All, Ct)).Cost);
    }

    [Fact]
    public async Task GetUsageAsync_NothingRecorded_IsZero()
    {
        Assert.Equal(UsageTotals.None, await Store.GetUsageAsync(new UsageScope(Project.Id), Ct));
    }
}
