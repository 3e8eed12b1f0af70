using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Wilson.Core.Events;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Bench;

/// <summary>
/// One in-process <see cref="IWorkStore.WatchEventsAsync"/> subscriber; events appended one at a time,
/// each carrying the Stopwatch timestamp taken just before its append. The subscriber measures from
/// that timestamp to the moment the event reaches it.
/// </summary>
internal static class WakeupScenario
{
    private const string PingType = "bench.ping";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // waitForEach false: append as fast as the store takes them (the figure includes any backlog);
    // true: the next append waits until the subscriber has the previous event (the bare wake-up).
    public static async Task<LatencySummary> RunAsync(IWorkStore store, long projectId, int events, bool waitForEach, CancellationToken cancellationToken)
    {
        var marker = await store.AppendEventAsync(new NewEvent(projectId, null, "bench.start", Actor.System), cancellationToken);
        var delays = new long[events];
        using var arrived = new SemaphoreSlim(0);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var subscriber = Task.Run(() => SubscribeAsync(store, projectId, marker.Sequence, delays, arrived, stop.Token), cancellationToken);
        try
        {
            for (var i = 0; i < events; i++)
            {
                var payload = string.Create(CultureInfo.InvariantCulture, $$"""{"i":{{i}},"t":{{Stopwatch.GetTimestamp()}}}""");
                await store.AppendEventAsync(new NewEvent(projectId, null, PingType, Actor.System, payload), cancellationToken);
                if (waitForEach && !await arrived.WaitAsync(Deadline, cancellationToken))
                {
                    throw new TimeoutException($"event {i} did not reach the subscriber within {Deadline.TotalSeconds} s");
                }
            }

            await subscriber.WaitAsync(Deadline, TimeProvider.System, cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await subscriber;
            }
            catch (OperationCanceledException)
            {
                // Stopped early because the appends failed; their exception is the one that matters.
            }
        }

        return LatencySummary.From(delays);
    }

    private static async Task SubscribeAsync(
        IWorkStore store, long projectId, long afterSequence, long[] delays, SemaphoreSlim arrived, CancellationToken cancellationToken)
    {
        var received = 0;
        var query = new EventQuery { AfterSequence = afterSequence, ProjectId = projectId };
        await foreach (var e in store.WatchEventsAsync(query, cancellationToken))
        {
            var now = Stopwatch.GetTimestamp();
            if (e.Type != PingType)
            {
                continue;
            }

            using var payload = JsonDocument.Parse(e.PayloadJson);
            var index = payload.RootElement.GetProperty("i").GetInt32();
            delays[index] = now - payload.RootElement.GetProperty("t").GetInt64();
            arrived.Release();
            if (++received == delays.Length)
            {
                return;
            }
        }
    }
}
