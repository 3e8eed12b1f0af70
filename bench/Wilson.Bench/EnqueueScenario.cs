using System.Diagnostics;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Bench;

/// <summary>Items added through <see cref="IWorkStore.AddItemsAsync"/> in batches, one transaction per batch.</summary>
internal static class EnqueueScenario
{
    public static async Task<Throughput> RunAsync(IWorkStore store, long projectId, int items, int batchSize, CancellationToken cancellationToken)
    {
        // Built before the clock starts: the figure is the store's, not the caller's.
        var batches = Enumerable.Range(0, items).Select(NewItem).Chunk(batchSize).ToList();
        var start = Stopwatch.GetTimestamp();
        foreach (var batch in batches)
        {
            var results = await store.AddItemsAsync(projectId, batch, Actor.System, cancellationToken);
            if (!results[0].Succeeded)
            {
                throw new InvalidOperationException($"the store refused a batch: {results[0].Error}");
            }
        }

        return new Throughput(items, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>An item that meets the Definition of Ready, so it is claimable at once.</summary>
    public static NewWorkItem NewItem(int index) => new()
    {
        Title = $"bench item {index}",
        AcceptanceCriteria = ["it is done"],
    };
}
