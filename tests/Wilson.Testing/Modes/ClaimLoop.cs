using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage;

namespace Wilson.Testing.Modes;

/// <summary>
/// A worker that claims and completes items until the project has nothing left, printing
/// <c>claimed T-n</c> before the work and <c>completed T-n</c> once the completion is committed,
/// and appending each committed completion to a journal file. With <c>--stall-after N</c> it
/// claims one more item after N completions and stops there, mid-flight, for the crash test to kill.
/// </summary>
internal static class ClaimLoop
{
    public static async Task<int> RunAsync(ModeArguments args)
    {
        var owner = args.Get("owner");
        var lease = TimeSpan.FromMilliseconds(args.GetInt("lease-ms", 1000));
        var work = TimeSpan.FromMilliseconds(args.GetInt("work-ms", 20));
        var journal = args.Get("journal");
        var stallAfter = args.GetInt("stall-after", int.MaxValue);
        var completed = 0;
        var location = DatabaseLocation.Resolve(args.Get("db"), "unused.db");
        await using var store = await TestStores.OpenAsync(location, TimeProvider.System, CancellationToken.None);
        var project = await store.FindProjectAsync(args.Get("project"), CancellationToken.None)
            ?? throw new InvalidOperationException("no such project");
        Console.WriteLine($"started {owner}");

        while (true)
        {
            await store.SweepExpiredLeasesAsync(maxAttempts: 100, CancellationToken.None);
            var item = await store.ClaimAsync(new ClaimRequest(owner, lease, project.Id), CancellationToken.None);
            if (item is null)
            {
                var status = await store.GetStatusAsync(project.Id, CancellationToken.None);
                if (status.Running.Count == 0 && !status.Counts.Any(c => c.Status == WorkStatus.Ready))
                {
                    Console.WriteLine($"finished {owner}");
                    return 0;
                }

                // Another worker's lease is still live: wait until the earliest one can have expired.
                var earliest = status.Running.Min(i => i.Lease!.ExpiresAt);
                var wait = earliest - TimeProvider.System.GetUtcNow();
                await Task.Delay(wait > TimeSpan.Zero ? wait + TimeSpan.FromMilliseconds(10) : TimeSpan.FromMilliseconds(10));
                continue;
            }

            Console.WriteLine($"claimed {item.Key}");
            if (completed == stallAfter)
            {
                // Mid-flight for as long as it takes the test to kill us.
                Console.WriteLine($"stalled {item.Key}");
                await Task.Delay(Timeout.InfiniteTimeSpan);
            }

            await Task.Delay(work);
            var result = await store.CompleteAsync(item, owner, TransitionTarget.ToStatus(WorkStatus.Done), "work finished", Actor.Agent("crash-test"), CancellationToken.None);
            if (result.Succeeded)
            {
                await File.AppendAllTextAsync(journal, $"{item.Key} {owner}\n");
                completed++;
                Console.WriteLine($"completed {item.Key}");
            }
            else
            {
                Console.WriteLine($"lost {item.Key}: {result.Error}");
            }
        }
    }
}
