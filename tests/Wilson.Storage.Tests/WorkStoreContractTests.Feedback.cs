using System.Text.Json;
using Wilson.Core.Events;
using Wilson.Core.Workflow;

namespace Wilson.Storage.Tests;

/// <summary>Feedback: notes for an item's next agent turn, each delivered once.</summary>
public abstract partial class WorkStoreContractTests
{
    [Fact]
    public async Task Feedback_IsTakenOnceInOrder_AndAppendsAnEvent()
    {
        await AddAsync("Parser");
        await AddAsync("Printer");
        await Store.AddFeedbackAsync(Project.Id, "T-1", "use the standard library", Actor.Person("ada"), Ct);
        Time.Advance(TimeSpan.FromSeconds(5));
        await Store.AddFeedbackAsync(Project.Id, "T-1", "rename parse to read", Actor.Agent("reviewer"), Ct);
        await Store.AddFeedbackAsync(Project.Id, "T-2", "not for the parser", Actor.Person("ada"), Ct);

        var taken = await Store.TakeFeedbackAsync(Project.Id, "T-1", Ct);

        Assert.Equal(["use the standard library", "rename parse to read"], taken.Select(f => f.Text));
        Assert.Equal([Actor.Person("ada"), Actor.Agent("reviewer")], taken.Select(f => f.From));
        Assert.All(taken, f => Assert.Equal(Time.GetUtcNow(), f.DeliveredAt));
        Assert.Empty(await Store.TakeFeedbackAsync(Project.Id, "T-1", Ct));
        Assert.Single(await Store.TakeFeedbackAsync(Project.Id, "T-2", Ct));
        var noted = (await Store.ReadEventsAsync(new EventQuery { ProjectId = Project.Id, ItemKey = "T-1" }, Ct))[^1];
        Assert.Equal(EventTypes.ItemFeedback, noted.Type);
        Assert.Equal("rename parse to read", JsonDocument.Parse(noted.PayloadJson).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Feedback_TakenByConcurrentReaders_IsDeliveredExactlyOnce()
    {
        await AddAsync("Parser");
        for (var i = 0; i < 20; i++)
        {
            await Store.AddFeedbackAsync(Project.Id, "T-1", $"note {i}", Actor.Person("ada"), Ct);
        }

        var takers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Store.TakeFeedbackAsync(Project.Id, "T-1", Ct))));

        var delivered = takers.SelectMany(t => t).Select(f => f.Text).ToList();
        Assert.Equal(20, delivered.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"note {i}").ToHashSet(), delivered.ToHashSet());
    }

    [Fact]
    public async Task Feedback_ForAnUnknownItemOrWithoutText_IsRefused()
    {
        await AddAsync("Parser");

        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AddFeedbackAsync(Project.Id, "T-9", "hello", Actor.Person("ada"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddFeedbackAsync(Project.Id, "T-1", "  ", Actor.Person("ada"), Ct));

        Assert.Equal("there is no item T-9 in this project", unknown.Message);
        Assert.Empty(await Store.TakeFeedbackAsync(Project.Id, "T-1", Ct));
    }
}
