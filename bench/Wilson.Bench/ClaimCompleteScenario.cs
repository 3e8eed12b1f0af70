using System.Diagnostics;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Bench;

/// <summary>Workers that claim an item and complete it as Done, until nothing is left to claim.</summary>
internal static class ClaimCompleteScenario
{
    public static async Task<ClaimCompleteResult> RunAsync(IWorkStore store, long projectId, int workers, CancellationToken cancellationToken)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = Enumerable.Range(1, workers)
            .Select(w => Task.Run(() => WorkAsync(store, projectId, $"bench-worker-{w}", go.Task, cancellationToken), cancellationToken))
            .ToList();
        var start = Stopwatch.GetTimestamp();
        go.SetResult();
        var logs = await Task.WhenAll(running);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var done = logs.Sum(l => l.Claims.Count);
        return new ClaimCompleteResult(
            new Throughput(done, elapsed),
            LatencySummary.From(logs.SelectMany(l => l.Claims)),
            LatencySummary.From(logs.SelectMany(l => l.Completes)),
            logs.Min(l => l.Claims.Count),
            logs.Max(l => l.Claims.Count));
    }

    private static async Task<WorkerLog> WorkAsync(IWorkStore store, long projectId, string owner, Task go, CancellationToken cancellationToken)
    {
        await go;
        var log = new WorkerLog();
        var request = new ClaimRequest(owner, TimeSpan.FromMinutes(1), projectId);
        var done = TransitionTarget.ToStatus(WorkStatus.Done);
        while (true)
        {
            var before = Stopwatch.GetTimestamp();
            var item = await store.ClaimAsync(request, cancellationToken);
            var claimed = Stopwatch.GetTimestamp();
            if (item is null)
            {
                return log;
            }

            var result = await store.CompleteAsync(item, owner, done, "done", Actor.System, cancellationToken);
            log.Completes.Add(Stopwatch.GetTimestamp() - claimed);
            log.Claims.Add(claimed - before);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"completing {item.Key} was refused: {result.Error}");
            }
        }
    }

    private sealed class WorkerLog
    {
        public List<long> Claims { get; } = new(4096);

        public List<long> Completes { get; } = new(4096);
    }
}
