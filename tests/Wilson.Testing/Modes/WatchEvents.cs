using Wilson.Core.Events;
using Wilson.Storage;

namespace Wilson.Testing.Modes;

/// <summary>A subscriber in its own process: prints <c>watching</c>, then one line per event until killed.</summary>
internal static class WatchEvents
{
    public static async Task<int> RunAsync(ModeArguments args)
    {
        var location = DatabaseLocation.Resolve(args.Get("db"), "unused.db");
        await using var store = await TestStores.OpenAsync(location, TimeProvider.System, CancellationToken.None);
        var after = long.Parse(args.Get("after", "0"), System.Globalization.CultureInfo.InvariantCulture);
        var events = store.WatchEventsAsync(new EventQuery { AfterSequence = after }, CancellationToken.None).GetAsyncEnumerator();
        var first = events.MoveNextAsync();
        Console.WriteLine("watching");
        while (await first)
        {
            Console.WriteLine($"event {events.Current.Sequence} {events.Current.Type} {events.Current.ItemKey}");
            first = events.MoveNextAsync();
        }

        return 0;
    }
}
