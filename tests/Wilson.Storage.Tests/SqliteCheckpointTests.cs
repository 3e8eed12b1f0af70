using System.Diagnostics;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Testing;

namespace Wilson.Storage.Tests;

/// <summary>The writer leaves copying the log back to the checkpointer; the log must still reach the file.</summary>
public sealed class SqliteCheckpointTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempDirectory _directory = new("wilson-checkpoint");

    [Fact]
    public async Task Commits_reach_the_database_file_while_the_store_stays_open()
    {
        var path = _directory.Combine("wilson.db");
        var location = DatabaseLocation.Sqlite(path);
        await using var store = await TestStores.OpenAsync(location, TimeProvider.System, Ct);
        var project = await TestStores.RegisterAsync(store, "checkpointed", Ct);
        var before = new FileInfo(path).Length;

        // One commit per item: several checkpoints' worth of commits.
        for (var i = 0; i < 250; i++)
        {
            var added = await store.AddItemAsync(project.Id,
                new NewWorkItem { Title = $"item {i}", Description = new string('x', 2_000), AcceptanceCriteria = ["done"] }, Actor.System, Ct);
            Assert.True(added.Succeeded, added.Error);
        }

        var waited = Stopwatch.StartNew();
        while (new FileInfo(path).Length <= before && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50, Ct);
        }

        Assert.True(new FileInfo(path).Length > before,
            $"the database file stayed at {before} bytes: nothing was checkpointed from the write-ahead log");
        Assert.Equal(250, (await store.ListItemsAsync(project.Id, new ItemQuery(), Ct)).Items.Count);
    }

    public void Dispose() => _directory.Dispose();
}
