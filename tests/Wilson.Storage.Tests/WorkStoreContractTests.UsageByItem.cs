using Wilson.Core.Usage;
using Wilson.Testing;

namespace Wilson.Storage.Tests;

/// <summary>Usage summed per item of a project in one query.</summary>
public abstract partial class WorkStoreContractTests
{
    private ModelCall CallOf(long? projectId, string? itemKey, long tokensIn, long tokensOut, long costMicros) => new()
    {
        ProjectId = projectId, ItemKey = itemKey, Purpose = "code", Model = "coder:7b", Endpoint = "local",
        InputTokens = tokensIn, OutputTokens = tokensOut, CostMicros = costMicros, At = Time.GetUtcNow(), Duration = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task GetUsageByItemAsync_SumsEachItemsCalls_OfThisProjectOnly()
    {
        var other = await TestStores.RegisterAsync(Store, "other", Ct);
        await Store.RecordModelCallAsync(CallOf(Project.Id, "T-1", 100, 20, 1_500), Ct);
        await Store.RecordModelCallAsync(CallOf(Project.Id, "T-1", 300, 40, 2_250), Ct);
        await Store.RecordModelCallAsync(CallOf(Project.Id, "T-2", 50, 5, 333), Ct);
        await Store.RecordModelCallAsync(CallOf(Project.Id, null, 7, 7, 7), Ct);
        await Store.RecordModelCallAsync(CallOf(other.Id, "T-1", 1_000, 100, 10_000), Ct);

        var usage = await Store.GetUsageByItemAsync(Project.Id, null, Ct);

        Assert.Equal(2, usage.Count);
        Assert.Equal(new UsageTotals(2, 400, 60, 3_750), usage["T-1"]);
        Assert.Equal(new UsageTotals(1, 50, 5, 333), usage["T-2"]);
        Assert.Equal(await Store.GetUsageAsync(new UsageScope(Project.Id, "T-1"), Ct), usage["T-1"]);
    }

    [Fact]
    public async Task GetUsageByItemAsync_ForGivenKeys_OnlyThoseThatMadeCalls()
    {
        await Store.RecordModelCallAsync(CallOf(Project.Id, "T-1", 100, 20, 1_500), Ct);
        await Store.RecordModelCallAsync(CallOf(Project.Id, "T-2", 50, 5, 333), Ct);
        await Store.RecordModelCallAsync(CallOf(Project.Id, "T-3", 1, 1, 1), Ct);

        var usage = await Store.GetUsageByItemAsync(Project.Id, ["T-2", "T-3", "T-9", "T-2"], Ct);

        Assert.Equal(["T-2", "T-3"], usage.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new UsageTotals(1, 50, 5, 333), usage["T-2"]);
    }

    [Fact]
    public async Task GetUsageByItemAsync_NoKeysNoCallsOrUnknownProject_IsEmpty()
    {
        Assert.Empty(await Store.GetUsageByItemAsync(Project.Id, null, Ct));
        await Store.RecordModelCallAsync(CallOf(Project.Id, "T-1", 100, 20, 1_500), Ct);

        Assert.Empty(await Store.GetUsageByItemAsync(Project.Id, [], Ct));
        Assert.Empty(await Store.GetUsageByItemAsync(Project.Id + 1000, null, Ct));
    }
}
