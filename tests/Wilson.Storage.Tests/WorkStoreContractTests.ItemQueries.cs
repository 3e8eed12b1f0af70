using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Storage.Tests;

/// <summary>Listing items as a board does: filters, order, pages and the total.</summary>
public abstract partial class WorkStoreContractTests
{
    private async Task<WorkItem> AddAsync(NewWorkItem item)
    {
        var result = await Store.AddItemAsync(Project.Id, item, Actor.Person("ada"), Ct);
        Assert.True(result.Succeeded, result.Error);
        return result.Item!;
    }

    private async Task<List<string>> KeysAsync(ItemQuery query) =>
        [.. (await Store.ListItemsAsync(Project.Id, query, Ct)).Items.Select(i => i.Key)];

    [Fact]
    public async Task ListItemsAsync_BySetOfStatuses_MatchesAnyOfThem()
    {
        await AddAsync("ready");
        await AddAsync(Item("draft") with { KeepAsDraft = true });
        await AddAsync("paused");
        await Store.TransitionAsync(Project.Id, "T-3", TransitionTarget.ToStatus(WorkStatus.Paused), "hold", Actor.Person("ada"), null, Ct);

        Assert.Equal(["T-2", "T-3"], await KeysAsync(new ItemQuery { Statuses = [WorkStatus.Draft, WorkStatus.Paused] }));
        Assert.Equal(["T-1"], await KeysAsync(new ItemQuery { Statuses = [WorkStatus.Ready, WorkStatus.Ready] }));
        Assert.Empty(await KeysAsync(new ItemQuery { Statuses = [WorkStatus.Done] }));
    }

    [Fact]
    public async Task ListItemsAsync_EmptySetOfStatuses_MatchesNothing()
    {
        await AddAsync("ready");

        var page = await Store.ListItemsAsync(Project.Id, new ItemQuery { Statuses = [] }, Ct);

        Assert.Equal((0, 0), (page.Items.Count, page.Total));
    }

    [Fact]
    public async Task ListItemsAsync_ByKindParentAndStage_NarrowsToEach()
    {
        await AddAsync(Item("the plan") with { Kind = WorkKind.Plan });
        await AddAsync(Item("child feature") with { Parent = "T-1" });
        await AddAsync(Item("child bug") with { Parent = "T-1", Kind = WorkKind.Bug });
        await AddAsync(Item("stray bug") with { Kind = WorkKind.Bug });
        await Store.TransitionAsync(Project.Id, "T-3", TransitionTarget.ToStage("develop"), "planned", Actor.Person("ada"), null, Ct);

        Assert.Equal(["T-2", "T-3"], await KeysAsync(new ItemQuery { Parent = "T-1" }));
        Assert.Equal(["T-3", "T-4"], await KeysAsync(new ItemQuery { Kind = WorkKind.Bug }));
        Assert.Equal(["T-3"], await KeysAsync(new ItemQuery { Parent = "T-1", Kind = WorkKind.Bug, Stage = "develop" }));
        Assert.Empty(await KeysAsync(new ItemQuery { Parent = "T-4" }));
        Assert.Empty(await KeysAsync(new ItemQuery { Parent = "T-1", Stage = "review" }));
    }

    [Fact]
    public async Task ListItemsAsync_ByText_MatchesKeyTitleOrDescriptionIgnoringCase()
    {
        await AddAsync(Item("Parser for dates"));
        await AddAsync(Item("Cache") with { Description = "keeps PARSED pages" });
        await AddAsync(Item("Logging"));

        Assert.Equal(["T-1", "T-2"], await KeysAsync(new ItemQuery { Text = "pArSe" }));
        Assert.Equal(["T-3"], await KeysAsync(new ItemQuery { Text = "t-3" }));
        Assert.Equal(["T-1", "T-2", "T-3"], await KeysAsync(new ItemQuery { Text = "" }));
        Assert.Empty(await KeysAsync(new ItemQuery { Text = "nowhere" }));
    }

    [Fact]
    public async Task ListItemsAsync_TextWithPercentUnderscoreOrBackslash_MatchesThemAsThemselves()
    {
        await AddAsync(Item("100% covered"));
        await AddAsync(Item("100 covered"));
        await AddAsync(Item("snake_case names"));
        await AddAsync(Item("snakeXcase names"));
        await AddAsync(Item(@"C:\temp paths"));

        Assert.Equal(["T-1"], await KeysAsync(new ItemQuery { Text = "0%" }));
        Assert.Equal(["T-3"], await KeysAsync(new ItemQuery { Text = "e_c" }));
        Assert.Equal(["T-5"], await KeysAsync(new ItemQuery { Text = @":\t" }));
        Assert.Empty(await KeysAsync(new ItemQuery { Text = "%%" }));
    }

    [Fact]
    public async Task ListItemsAsync_Pages_WithTheTotalOnEveryPage()
    {
        for (var i = 1; i <= 5; i++)
        {
            await AddAsync($"item {i}");
        }

        var pages = new List<ItemPage>();
        for (var offset = 0; offset <= 6; offset += 2)
        {
            pages.Add(await Store.ListItemsAsync(Project.Id, new ItemQuery { Offset = offset, Limit = 2 }, Ct));
        }

        Assert.Equal([["T-1", "T-2"], ["T-3", "T-4"], ["T-5"], []], pages.Select(p => p.Items.Select(i => i.Key).ToList()));
        Assert.All(pages, p => Assert.Equal(5, p.Total));
        var exact = await Store.ListItemsAsync(Project.Id, new ItemQuery { Offset = 3, Limit = 2 }, Ct);
        Assert.Equal(["T-4", "T-5"], exact.Items.Select(i => i.Key));
        Assert.Equal(5, exact.Total);
    }

    [Fact]
    public async Task ListItemsAsync_TotalCountsOnlyWhatMatches()
    {
        await AddAsync(Item("bug one") with { Kind = WorkKind.Bug });
        await AddAsync("feature");
        await AddAsync(Item("bug two") with { Kind = WorkKind.Bug });
        await AddAsync(Item("bug three") with { Kind = WorkKind.Bug });

        var page = await Store.ListItemsAsync(Project.Id, new ItemQuery { Kind = WorkKind.Bug, Limit = 2 }, Ct);
        var past = await Store.ListItemsAsync(Project.Id, new ItemQuery { Kind = WorkKind.Bug, Offset = 10 }, Ct);

        Assert.Equal(["T-1", "T-3"], page.Items.Select(i => i.Key));
        Assert.Equal(3, page.Total);
        Assert.Equal((0, 3), (past.Items.Count, past.Total));
    }

    [Fact]
    public async Task ListItemsAsync_ByPriority_TheMostUrgentThenTheOldestFirst_OrReversed()
    {
        await AddAsync("later", priority: 7);
        await AddAsync("urgent", priority: 1);
        await AddAsync("later too", priority: 7);
        await AddAsync("normal", priority: 5);

        Assert.Equal(["T-2", "T-4", "T-1", "T-3"], await KeysAsync(new ItemQuery { Order = ItemOrder.Priority }));
        Assert.Equal(["T-3", "T-1", "T-4", "T-2"], await KeysAsync(new ItemQuery { Order = ItemOrder.Priority, Descending = true }));
        Assert.Equal(["T-4", "T-3", "T-2", "T-1"], await KeysAsync(new ItemQuery { Descending = true }));
        Assert.Equal(["T-1", "T-3"], await KeysAsync(new ItemQuery { Order = ItemOrder.Priority, Offset = 2, Limit = 5 }));
    }

    [Fact]
    public async Task ListItemsAsync_ByLastUpdate_WhatChangedLastComesLast_OrFirstDescending()
    {
        await AddAsync("first");
        await AddAsync("second");
        await AddAsync("third");
        Time.Advance(TimeSpan.FromMinutes(1));
        var first = (await Store.GetItemAsync(Project.Id, "T-1", Ct))!;
        await Store.EditItemAsync(Project.Id, "T-1", new ItemEdit { Title = "first, edited" }, first.Version, Actor.Person("ada"), Ct);

        Assert.Equal(["T-2", "T-3", "T-1"], await KeysAsync(new ItemQuery { Order = ItemOrder.Updated }));
        Assert.Equal(["T-1", "T-3", "T-2"], await KeysAsync(new ItemQuery { Order = ItemOrder.Updated, Descending = true }));
    }

    [Fact]
    public async Task ListItemsAsync_UnknownProject_IsAnEmptyPage()
    {
        await AddAsync("mine");

        var page = await Store.ListItemsAsync(Project.Id + 1000, ItemQuery.All, Ct);

        Assert.Equal((0, 0), (page.Items.Count, page.Total));
    }
}
