using System.Diagnostics;

namespace Wilson.Bench;

/// <summary>
/// The floor a queue cannot beat on a database: per item one committed INSERT, then one committed
/// UPDATE, by the same workers as Wilson's claim → complete run.
/// </summary>
internal static class RawCeilingScenario
{
    public static async Task<RawCeilingResult> RunAsync(IRawQueue queue, int items, int workers, long firstId, CancellationToken cancellationToken)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = Enumerable.Range(0, workers)
            .Select(w => Task.Run(() => WorkAsync(queue, Share(items, workers, w, firstId), $"raw-worker-{w}", go.Task, cancellationToken), cancellationToken))
            .ToList();
        var start = Stopwatch.GetTimestamp();
        go.SetResult();
        var logs = await Task.WhenAll(running);
        var elapsed = Stopwatch.GetElapsedTime(start);
        return new RawCeilingResult(
            new Throughput(items, elapsed),
            LatencySummary.From(logs.SelectMany(l => l.Inserts)),
            LatencySummary.From(logs.SelectMany(l => l.Updates)));
    }

    // Worker w takes every workers-th id: the same split of work the claim loop ends up with.
    private static List<long> Share(int items, int workers, int worker, long firstId) =>
        Enumerable.Range(0, items).Where(i => i % workers == worker).Select(i => firstId + i).ToList();

    private static async Task<WorkerLog> WorkAsync(IRawQueue queue, List<long> ids, string owner, Task go, CancellationToken cancellationToken)
    {
        await using var worker = await queue.OpenWorkerAsync(cancellationToken);
        var log = new WorkerLog(ids.Count);
        await go;
        foreach (var id in ids)
        {
            var before = Stopwatch.GetTimestamp();
            await worker.InsertAsync(id, cancellationToken);
            var inserted = Stopwatch.GetTimestamp();
            await worker.CompleteAsync(id, owner, cancellationToken);
            log.Updates.Add(Stopwatch.GetTimestamp() - inserted);
            log.Inserts.Add(inserted - before);
        }

        return log;
    }

    private sealed class WorkerLog(int capacity)
    {
        public List<long> Inserts { get; } = new(capacity);

        public List<long> Updates { get; } = new(capacity);
    }
}
