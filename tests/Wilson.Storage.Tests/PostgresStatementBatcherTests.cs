using Npgsql;
using Wilson.Storage.Postgres;
using Wilson.Testing;

namespace Wilson.Storage.Tests;

/// <summary>The batcher on a real PostgreSQL: statements queued together share a batch, and a failing one fails alone.</summary>
public sealed class PostgresStatementBatcherTests : IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;
    private PostgresStatementBatcher _batcher = null!;
    private int _commits;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("batcher", CancellationToken.None));
        _batcher = new PostgresStatementBatcher(_dataSource, "SELECT 1", () => Interlocked.Increment(ref _commits), batchesAtOnce: 1);
    }

    public async Task DisposeAsync()
    {
        await _batcher.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    [Fact]
    public async Task Statements_queued_behind_a_running_batch_share_the_next_commit()
    {
        var slow = Run("SELECT pg_sleep(0.3)::text");
        await UntilTheSlowStatementRunsAsync();
        var queued = new[] { Run("SELECT 'a'"), Run("SELECT 'b'"), Run("SELECT 'c' WHERE false") };

        await slow;
        Assert.Equal(["a", "b", "no row"], await Task.WhenAll(queued));
        // One commit for the slow statement, one for the three queued behind it.
        Assert.Equal(2, Volatile.Read(ref _commits));
    }

    [Fact]
    public async Task A_failing_statement_of_a_batch_fails_alone_and_the_others_are_run_again()
    {
        // The first statement keeps the batcher busy while the next three queue behind it, into one batch.
        var slow = Run("SELECT pg_sleep(0.3)::text");
        await UntilTheSlowStatementRunsAsync();
        var one = Run("SELECT 'one'");
        var failing = Run("SELECT (1 / 0)::text");
        var two = Run("SELECT 'two'");

        await slow;
        Assert.Equal("one", await one);
        Assert.Equal("two", await two);
        var error = await Assert.ThrowsAsync<PostgresException>(() => failing);
        Assert.Contains("division by zero", error.Message, StringComparison.Ordinal);
        // The slow one; the batch of three rolled back (no commit); then each of them alone, two committing.
        Assert.Equal(3, Volatile.Read(ref _commits));
    }

    [Fact]
    public async Task A_statement_still_queued_when_its_caller_cancels_never_runs()
    {
        await _batcher.RunAsync("CREATE TABLE ran (id int)", _ => { }, _ => "", "", CancellationToken.None);
        var slow = Run("SELECT pg_sleep(0.3)::text");
        await UntilTheSlowStatementRunsAsync();
        using var cancel = new CancellationTokenSource();
        var cancelled = _batcher.RunAsync("INSERT INTO ran VALUES (1) RETURNING 'inserted'", _ => { }, r => r.GetString(0), "", cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await slow;
        Assert.Equal("0", await Run("SELECT count(*)::text FROM ran"));
    }

    [Fact]
    public async Task With_two_batches_in_flight_a_statement_queued_behind_a_waiting_batch_runs_at_once()
    {
        await using var twoAtOnce = new PostgresStatementBatcher(_dataSource, "SELECT 1", () => { }, batchesAtOnce: 2);
        await using var holder = await _dataSource.OpenConnectionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(42)", holder))
        {
            await take.ExecuteNonQueryAsync();
        }

        var waiting = twoAtOnce.RunAsync("SELECT pg_advisory_xact_lock(42)::text", _ => { }, _ => "waited", "", CancellationToken.None);
        await Eventually.TrueAsync(
            async () => await CountAsync("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 1,
            "the first batch waits for the lock");

        // Behind a single batch in flight, it would wait as long as the lock is held.
        var quick = await twoAtOnce.RunAsync("SELECT 'quick'", _ => { }, reader => reader.GetString(0), "", CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);

        Assert.Equal("quick", quick);
        Assert.False(waiting.IsCompleted);
        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(42)", holder))
        {
            await release.ExecuteNonQueryAsync();
        }

        Assert.Equal("waited", await waiting);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // The batcher has sent the slow statement: whatever is queued now waits for the next batch.
    private async Task UntilTheSlowStatementRunsAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND pid <> pg_backend_pid()");
        await Eventually.TrueAsync(async () => (long)(await command.ExecuteScalarAsync())! == 1, "the slow statement runs");
    }

    private Task<string> Run(string sql) => _batcher.RunAsync(sql, _ => { }, reader => reader.GetString(0), "no row", CancellationToken.None);
}
