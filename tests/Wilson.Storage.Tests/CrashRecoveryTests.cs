using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Testing;

namespace Wilson.Storage.Tests;

/// <summary>
/// A real worker process is killed with SIGKILL while it holds an item; a second worker finishes
/// the job. Nothing may be lost and nothing done twice.
/// </summary>
public abstract class CrashRecoveryTests : IDisposable
{
    private const int ItemCount = 40;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    protected TempDirectory Directory { get; } = new("wilson-crash");

    /// <summary>The database as the child process's <c>--db</c> argument reads it.</summary>
    protected abstract Task<DatabaseLocation> CreateDatabaseAsync();

    protected abstract string DbArgument(DatabaseLocation location);

    [Fact]
    public async Task KilledWorker_ItsItemReturnsAfterTheLease_AndEveryItemIsCompletedExactlyOnce()
    {
        var location = await CreateDatabaseAsync();
        await using var store = await TestStores.OpenAsync(location, TimeProvider.System, CancellationToken.None);
        var project = await TestStores.RegisterAsync(store, "crash", CancellationToken.None);
        var specs = Enumerable.Range(1, ItemCount).Select(i => new NewWorkItem { Title = $"job {i}", AcceptanceCriteria = ["done"] }).ToList();
        Assert.All(await store.AddItemsAsync(project.Id, specs, Actor.System, CancellationToken.None), r => Assert.True(r.Succeeded, r.Error));
        var journal = Directory.Combine("journal.txt");
        string[] Worker(string owner, int stallAfter = int.MaxValue) =>
        [
            "--db", DbArgument(location), "--project", "crash", "--owner", owner, "--lease-ms", "1500", "--work-ms", "10",
            "--journal", journal, "--stall-after", stallAfter.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];

        string inFlight;
        await using (var first = ChildProcess.StartMode("claim-loop", Worker("worker-a", stallAfter: 10)))
        {
            var stalled = await first.WaitForLineAsync(l => l.StartsWith("stalled ", StringComparison.Ordinal), Patience);
            inFlight = stalled["stalled ".Length..];
            await first.KillAsync();
            Assert.Equal(10, first.Lines.Count(l => l.StartsWith("completed ", StringComparison.Ordinal)));
        }

        var held = (await store.GetItemAsync(project.Id, inFlight, CancellationToken.None))!;
        Assert.Equal(WorkStatus.Running, held.Status);
        Assert.Equal("worker-a", held.Lease!.Owner);

        await using (var second = ChildProcess.StartMode("claim-loop", Worker("worker-b")))
        {
            await second.WaitForLineAsync(l => l == "finished worker-b", Patience);
            Assert.Equal(0, await second.WaitForExitAsync(Patience));
        }

        var items = (await store.ListItemsAsync(project.Id, ItemQuery.All, CancellationToken.None)).Items;
        Assert.Equal(ItemCount, items.Count);
        Assert.All(items, i => Assert.Equal(WorkStatus.Done, i.Status));

        var completions = (await File.ReadAllLinesAsync(journal)).Select(l => l.Split(' ')).ToList();
        Assert.Equal(ItemCount, completions.Count);
        Assert.Equal(ItemCount, completions.Select(c => c[0]).Distinct().Count());
        Assert.Contains([inFlight, "worker-b"], completions);

        var events = await store.ReadEventsAsync(new EventQuery { ProjectId = project.Id, Limit = 10_000 }, CancellationToken.None);
        var doneEvents = events.Where(e => e.Type == EventTypes.ItemTransitioned && e.PayloadJson.Contains("\"to\":{\"stage\":\"done\",\"status\":\"Done\"}", StringComparison.Ordinal));
        Assert.Equal(ItemCount, doneEvents.Select(e => e.ItemKey).Distinct().Count());
        Assert.Equal(ItemCount, doneEvents.Count());

        var recovered = items.Single(i => i.Key == inFlight);
        Assert.Equal(1, recovered.Attempts);
        Assert.Contains(events, e => e.ItemKey == inFlight && e.PayloadJson.Contains("lease of worker-a expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkerKilledAtAnArbitraryMoment_LosesNothingAndDoesNothingTwice()
    {
        var location = await CreateDatabaseAsync();
        await using var store = await TestStores.OpenAsync(location, TimeProvider.System, CancellationToken.None);
        var project = await TestStores.RegisterAsync(store, "crash", CancellationToken.None);
        var specs = Enumerable.Range(1, ItemCount).Select(i => new NewWorkItem { Title = $"job {i}", AcceptanceCriteria = ["done"] }).ToList();
        await store.AddItemsAsync(project.Id, specs, Actor.System, CancellationToken.None);
        var journal = Directory.Combine("journal.txt");
        string[] Worker(string owner) =>
            ["--db", DbArgument(location), "--project", "crash", "--owner", owner, "--lease-ms", "1000", "--work-ms", "0", "--journal", journal];

        await using (var first = ChildProcess.StartMode("claim-loop", Worker("worker-a")))
        {
            // No stall: the kill lands wherever the worker happens to be (claiming, committing, journalling).
            await first.WaitForLineAsync(l => l == "completed T-15", Patience);
            await first.KillAsync();
        }

        await using (var second = ChildProcess.StartMode("claim-loop", Worker("worker-b")))
        {
            Assert.Equal(0, await second.WaitForExitAsync(Patience));
        }

        var items = (await store.ListItemsAsync(project.Id, ItemQuery.All, CancellationToken.None)).Items;
        Assert.All(items, i => Assert.Equal(WorkStatus.Done, i.Status));
        var events = await store.ReadEventsAsync(new EventQuery { ProjectId = project.Id, Limit = 10_000 }, CancellationToken.None);
        var doneKeys = events
            .Where(e => e.Type == EventTypes.ItemTransitioned && e.PayloadJson.Contains("\"status\":\"Done\"},\"reason\"", StringComparison.Ordinal))
            .Select(e => e.ItemKey!)
            .ToList();
        Assert.Equal(items.Select(i => i.Key).Order(), doneKeys.Order());
        var journalled = (await File.ReadAllLinesAsync(journal)).Select(l => l.Split(' ')[0]).ToList();
        Assert.Equal(journalled.Count, journalled.Distinct().Count());
        Assert.Superset(journalled.ToHashSet(), doneKeys.ToHashSet()); // every journalled completion is committed
    }

    public void Dispose()
    {
        Directory.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteCrashRecoveryTests : CrashRecoveryTests
{
    protected override Task<DatabaseLocation> CreateDatabaseAsync() => Task.FromResult(TestStores.NewSqlite(Directory.Path));

    protected override string DbArgument(DatabaseLocation location) => "sqlite:" + location.ConnectionString;
}

public sealed class PostgresCrashRecoveryTests : CrashRecoveryTests
{
    protected override Task<DatabaseLocation> CreateDatabaseAsync() => TestStores.NewPostgresAsync("crash", CancellationToken.None);

    protected override string DbArgument(DatabaseLocation location) => location.ConnectionString;
}
