using Wilson.Core.Events;
using Wilson.Core.Workflow;
using Wilson.Testing;

namespace Wilson.Storage.Tests;

/// <summary>A subscriber in another process wakes on a new event through LISTEN/NOTIFY, not a poll.</summary>
public sealed class CrossProcessEventTests
{
    [Fact]
    public async Task WatchEvents_InAnotherProcess_WakesOnANewPostgresEvent()
    {
        var location = await TestStores.NewPostgresAsync("notify", CancellationToken.None);
        await using var store = await TestStores.OpenAsync(location, TimeProvider.System, CancellationToken.None);
        var project = await TestStores.RegisterAsync(store, "notify", CancellationToken.None);
        await using var child = ChildProcess.StartMode("watch-events", "--db", location.ConnectionString, "--after", "1");
        await child.WaitForLineAsync(l => l == "watching", TimeSpan.FromSeconds(30));

        // Several appends, each well inside the subscriber's 5 s safety read: only NOTIFY can deliver them this fast.
        for (var i = 1; i <= 3; i++)
        {
            var started = TimeProvider.System.GetTimestamp();
            var appended = await store.AppendEventAsync(new NewEvent(project.Id, null, "test.ping", Actor.System, $$"""{"i":{{i}}}"""), CancellationToken.None);
            await child.WaitForLineAsync(l => l == $"event {appended.Sequence} test.ping ", TimeSpan.FromSeconds(10));
            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(2), child.Describe());
        }
    }
}
