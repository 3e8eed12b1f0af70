using Wilson.Core.Events;
using Wilson.Core.Storage;
using Wilson.Testing;

namespace Wilson.Bench;

/// <summary>
/// Claim -> complete while 0, 1 and 100 subscribers each read every event of the project, as a Wilson host's
/// scheduler, merge queue, console and browsers do. Rounds alternate the counts, so drift hits each alike; the
/// medians are compared with the run nobody watches.
/// </summary>
internal static class SubscriberScenario
{
    private const double TargetRatio = 0.9;
    private static readonly int[] Counts = [0, 1, 100];

    public static async Task RunAsync(IWorkStore store, string name, BenchOptions options, BenchReport report, CancellationToken cancellationToken)
    {
        var runs = Counts.ToDictionary(count => count, _ => new List<double>());
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var count in Counts)
            {
                var project = await TestStores.RegisterAsync(store, $"watched-{Guid.NewGuid():N}", cancellationToken);
                var subscribers = new List<EventSubscriber>(count);
                for (var i = 0; i < count; i++)
                {
                    subscribers.Add(await EventSubscriber.StartAsync(store, project.Id, cancellationToken));
                }

                await EnqueueScenario.RunAsync(store, project.Id, options.Items, options.BatchSize, cancellationToken);
                var claims = await ClaimCompleteScenario.RunAsync(store, project.Id, options.Workers, cancellationToken);
                if (claims.Throughput.Items != options.Items)
                {
                    throw new InvalidOperationException($"the workers completed {claims.Throughput.Items} items of {options.Items}");
                }

                // Every subscriber must have had every event, or the figure would flatter a fan-out that drops them.
                foreach (var subscriber in subscribers)
                {
                    var (last, events) = await EventsAfterAsync(store, project.Id, subscriber.StartedAfter, cancellationToken);
                    await subscriber.WaitForAsync(last, events, cancellationToken);
                    await subscriber.DisposeAsync();
                }

                Console.WriteLine($"round {round + 1}, {count} subscriber(s): claim -> complete {claims.Throughput}");
                runs[count].Add(claims.Throughput.PerSecond);
            }
        }

        var alone = Median(runs[0]);
        foreach (var count in Counts)
        {
            var median = Median(runs[count]);
            var ratio = median / alone;
            Console.WriteLine($"medians of {options.Rounds}: claim -> complete with {count} subscriber(s) {median:#,0} items/s ({ratio:P0} of none)");
            report.Add(count switch
            {
                0 => new ReportRow(name, "claim->complete items/s, no subscriber", $"{median:#,0}"),
                1 => new ReportRow(name, "claim->complete items/s, 1 subscriber", $"{median:#,0} ({ratio:P0})"),
                _ => new ReportRow(name, $"claim->complete with {count} subscribers / none", $"{ratio:P0} ({median:#,0}/s)", $">= {TargetRatio:P0}", ratio >= TargetRatio),
            });
        }
    }

    // The last event of the project after `after`, and how many there are.
    private static async Task<(long Last, long Count)> EventsAfterAsync(IWorkStore store, long projectId, long after, CancellationToken cancellationToken)
    {
        long count = 0;
        while (true)
        {
            var page = await store.ReadEventsAsync(new EventQuery { AfterSequence = after, ProjectId = projectId, Limit = 10_000 }, cancellationToken);
            if (page.Count == 0)
            {
                return (after, count);
            }

            count += page.Count;
            after = page[^1].Sequence;
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
