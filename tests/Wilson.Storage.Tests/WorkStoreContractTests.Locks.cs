namespace Wilson.Storage.Tests;

/// <summary>Named leases: one holder at a time, renewed by it, taken over once expired, given up on release.</summary>
public abstract partial class WorkStoreContractTests
{
    [Fact]
    public async Task TryAcquireLockAsync_HeldByAnother_IsRefused_UntilItExpires()
    {
        Assert.True(await Store.TryAcquireLockAsync("merge:1", "a", TimeSpan.FromMinutes(1), Ct));
        Assert.False(await Store.TryAcquireLockAsync("merge:1", "b", TimeSpan.FromMinutes(1), Ct));
        Assert.True(await Store.TryAcquireLockAsync("merge:2", "b", TimeSpan.FromMinutes(1), Ct));

        Time.Advance(TimeSpan.FromSeconds(61));

        Assert.True(await Store.TryAcquireLockAsync("merge:1", "b", TimeSpan.FromMinutes(1), Ct));
        Assert.False(await Store.TryAcquireLockAsync("merge:1", "a", TimeSpan.FromMinutes(1), Ct));
    }

    [Fact]
    public async Task TryAcquireLockAsync_ByItsHolder_RenewsIt()
    {
        Assert.True(await Store.TryAcquireLockAsync("merge:1", "a", TimeSpan.FromMinutes(1), Ct));
        Time.Advance(TimeSpan.FromSeconds(50));
        Assert.True(await Store.TryAcquireLockAsync("merge:1", "a", TimeSpan.FromMinutes(1), Ct));
        Time.Advance(TimeSpan.FromSeconds(50));

        // 100 s after it was first taken, but renewed 50 s ago for a minute.
        Assert.False(await Store.TryAcquireLockAsync("merge:1", "b", TimeSpan.FromMinutes(1), Ct));
    }

    [Fact]
    public async Task ReleaseLockAsync_ByItsHolder_FreesIt_ByAnother_DoesNothing()
    {
        Assert.True(await Store.TryAcquireLockAsync("merge:1", "a", TimeSpan.FromMinutes(1), Ct));

        await Store.ReleaseLockAsync("merge:1", "b", Ct);
        Assert.False(await Store.TryAcquireLockAsync("merge:1", "b", TimeSpan.FromMinutes(1), Ct));
        await Store.ReleaseLockAsync("merge:1", "a", Ct);
        Assert.True(await Store.TryAcquireLockAsync("merge:1", "b", TimeSpan.FromMinutes(1), Ct));
    }

    [Fact]
    public async Task TryAcquireLockAsync_TwoStoresRacingForOneLock_ExactlyOneGetsIt()
    {
        var other = await OpenAsync(Time);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            (i % 2 == 0 ? Store : other).TryAcquireLockAsync("merge:1", $"owner-{i}", TimeSpan.FromMinutes(1), Ct)));

        Assert.Single(results, held => held);
    }

    [Fact]
    public async Task TryAcquireLockAsync_WithoutANameOrOwnerOrTime_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.TryAcquireLockAsync(" ", "a", TimeSpan.FromMinutes(1), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.TryAcquireLockAsync("merge:1", "", TimeSpan.FromMinutes(1), Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.TryAcquireLockAsync("merge:1", "a", TimeSpan.Zero, Ct));
    }
}
