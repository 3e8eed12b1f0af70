using Wilson.Core.Storage;
using Wilson.Testing;

namespace Wilson.Bench;

/// <summary>Runs every scenario on one database: warm-up first, then the measured runs on a fresh project.</summary>
internal static class DatabaseBench
{
    // Enough calls for the JIT to have moved the hot paths to optimized code (tiered compilation
    // recompiles a method after 30 calls and a quiet 100 ms, and dynamic PGO recompiles again from
    // what the instrumented code saw); the first store measured would otherwise run part of its
    // figures on unoptimized code. Measured: claim -> complete still rose round by round after 2,000
    // items of warm-up, and was level from the third 10,000.
    private const int WarmupItems = 2_000;
    private const int WarmupRounds = 2;
    private const int WarmupEvents = 300;
    private const double ClaimCompleteTargetRatio = 0.5;
    private const double WakeupTargetMs = 5.0;
    private static readonly TimeSpan WarmupSettle = TimeSpan.FromMilliseconds(500);

    public static async Task RunAsync(DatabaseUnderTest database, BenchOptions options, BenchReport report, CancellationToken cancellationToken)
    {
        var name = database.Name;
        Console.WriteLine();
        Console.WriteLine($"== {name}: {database.Location.Describe()}; {database.Durability}");
        report.Add(new ReportRow(name, "durability", database.Durability));

        await using var store = await TestStores.OpenAsync(database.Location, TimeProvider.System, cancellationToken);
        await using var raw = await database.CreateRawQueue(cancellationToken);

        await WarmUpAsync(store, raw, options, cancellationToken);

        // Nothing watches events while these run: the store alone, as the scenarios specify. Rounds
        // alternate Wilson and the raw ceiling, so drift on a noisy machine hits both alike; medians of each.
        var enqueues = new List<Throughput>();
        var claimRuns = new List<ClaimCompleteResult>();
        var ceilings = new List<RawCeilingResult>();
        for (var round = 0; round < options.Rounds; round++)
        {
            Console.WriteLine($"-- round {round + 1} of {options.Rounds}");
            var project = await TestStores.RegisterAsync(store, $"bench-{Guid.NewGuid():N}", cancellationToken);
            var enqueued = await EnqueueScenario.RunAsync(store, project.Id, options.Items, options.BatchSize, cancellationToken);
            Console.WriteLine($"enqueue, {options.BatchSize} per AddItemsAsync: {enqueued}");
            enqueues.Add(enqueued);
            claimRuns.Add(await RunClaimCompleteAsync(store, project.Id, options, "", cancellationToken));
            // Ids above the warm-up's and every earlier round's, so the inserts meet no conflicts.
            var ceilingRun = await RawCeilingScenario.RunAsync(raw, options.Items, options.Workers, RawFirstId(options, round), cancellationToken);
            Console.WriteLine($"raw ceiling, INSERT commit + UPDATE commit per item, {options.Workers} workers: {ceilingRun.Throughput}");
            Console.WriteLine($"  insert {ceilingRun.Insert}");
            Console.WriteLine($"  update {ceilingRun.Update}");
            ceilings.Add(ceilingRun);
        }

        var enqueue = Median(enqueues, e => e.PerSecond);
        var claims = Median(claimRuns, c => c.Throughput.PerSecond);
        var ceiling = Median(ceilings, c => c.Throughput.PerSecond);
        var ratio = claims.Throughput.PerSecond / ceiling.Throughput.PerSecond;
        Console.WriteLine($"medians of {options.Rounds}: enqueue {enqueue.PerSecond:#,0} items/s, claim -> complete {claims.Throughput.PerSecond:#,0} items/s, " +
            $"raw {ceiling.Throughput.PerSecond:#,0} items/s; Wilson / raw: {ratio:P0}");
        report.Add(database.EnqueueTarget is { } enqueueTarget
            ? new ReportRow(name, $"enqueue items/s ({options.BatchSize}/batch)", $"{enqueue.PerSecond:#,0}", $">= {enqueueTarget:#,0}", enqueue.PerSecond >= enqueueTarget)
            : new ReportRow(name, $"enqueue items/s ({options.BatchSize}/batch)", $"{enqueue.PerSecond:#,0}"));

        report.Add(new ReportRow(name, $"claim->complete items/s ({options.Workers} workers)", $"{claims.Throughput.PerSecond:#,0}"));
        report.Add(new ReportRow(name, "claim latency p50 / p99 ms", $"{claims.Claim.P50:0.000} / {claims.Claim.P99:0.000}"));
        report.Add(new ReportRow(name, "complete latency p50 / p99 ms", $"{claims.Complete.P50:0.000} / {claims.Complete.P99:0.000}"));
        report.Add(new ReportRow(name, "items per worker (min-max)", $"{claims.FewestPerWorker}-{claims.MostPerWorker}"));
        report.Add(new ReportRow(name, $"raw insert+update items/s ({options.Workers} workers)", $"{ceiling.Throughput.PerSecond:#,0}"));
        report.Add(new ReportRow(name, "claim->complete / raw", $"{ratio:P0}", $">= {ClaimCompleteTargetRatio:P0}", ratio >= ClaimCompleteTargetRatio));

        if (!database.MeasuresWakeup)
        {
            return;
        }

        // Watching starts the store's cross-process wake-ups (inotify on SQLite, LISTEN on PostgreSQL),
        // which stay on until the store closes: hence last.
        var events = await TestStores.RegisterAsync(store, $"events-{Guid.NewGuid():N}", cancellationToken);
        await WakeupScenario.RunAsync(store, events.Id, WarmupEvents, waitForEach: true, cancellationToken);
        var burst = await WakeupScenario.RunAsync(store, events.Id, options.Events, waitForEach: false, cancellationToken);
        var paced = await WakeupScenario.RunAsync(store, events.Id, options.Events, waitForEach: true, cancellationToken);
        Console.WriteLine($"append -> subscriber, back to back: {burst}");
        Console.WriteLine($"append -> subscriber, each after the last arrived: {paced}");
        report.Add(new ReportRow(name, $"wake-up p50 / p99 ms ({options.Events} back to back)", $"{burst.P50:0.000} / {burst.P99:0.000}",
            $"p99 <= {WakeupTargetMs:0} ms", burst.P99 <= WakeupTargetMs));
        report.Add(new ReportRow(name, "wake-up p50 / p99 ms (one in flight)", $"{paced.P50:0.000} / {paced.P99:0.000}"));

        // The same claims again with subscribers reading every event, as in a Wilson host.
        await SubscriberScenario.RunAsync(store, name, options, report, cancellationToken);
    }

    // The round whose figure is the median (the middle one of an odd count, the upper middle of an even one).
    private static T Median<T>(List<T> runs, Func<T, double> figure) => runs.OrderBy(figure).ElementAt(runs.Count / 2);

    private static long RawFirstId(BenchOptions options, int round) => WarmupItems + 1L + ((long)round * options.Items);

    private static async Task<ClaimCompleteResult> RunClaimCompleteAsync(
        IWorkStore store, long projectId, BenchOptions options, string label, CancellationToken cancellationToken)
    {
        var claims = await ClaimCompleteScenario.RunAsync(store, projectId, options.Workers, cancellationToken);
        if (claims.Throughput.Items != options.Items)
        {
            throw new InvalidOperationException($"the workers completed {claims.Throughput.Items} items of {options.Items}");
        }

        Console.WriteLine($"{label}claim -> complete, {options.Workers} workers: {claims.Throughput}; items per worker {claims.FewestPerWorker}-{claims.MostPerWorker}");
        Console.WriteLine($"  claim    {claims.Claim}");
        Console.WriteLine($"  complete {claims.Complete}");
        return claims;
    }

    private static async Task WarmUpAsync(IWorkStore store, IRawQueue raw, BenchOptions options, CancellationToken cancellationToken)
    {
        var warmup = await TestStores.RegisterAsync(store, $"warmup-{Guid.NewGuid():N}", cancellationToken);
        await EnqueueScenario.RunAsync(store, warmup.Id, WarmupItems, options.BatchSize, cancellationToken);
        await ClaimCompleteScenario.RunAsync(store, warmup.Id, options.Workers, cancellationToken);
        // Ids below the measured rounds', so their inserts meet no conflicts.
        await RawCeilingScenario.RunAsync(raw, WarmupItems, options.Workers, firstId: 1, cancellationToken);
        for (var round = 0; round < WarmupRounds; round++)
        {
            await Task.Delay(WarmupSettle, TimeProvider.System, cancellationToken);
            await EnqueueScenario.RunAsync(store, warmup.Id, options.Items, options.BatchSize, cancellationToken);
            await ClaimCompleteScenario.RunAsync(store, warmup.Id, options.Workers, cancellationToken);
        }
    }
}
