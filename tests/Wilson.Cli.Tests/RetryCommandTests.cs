using Microsoft.Extensions.Time.Testing;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage;

namespace Wilson.Cli.Tests;

public sealed class RetryCommandTests
{
    [Fact]
    public async Task Retry_DeadLetteredItem_IsReadyAgainWithAttemptsReset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 9, 0, 0, TimeSpan.Zero));
        using var repository = await TempGitRepository.CreateInitialisedAsync("--name", "shop");
        await Cli.RunAtAsync(repository.Path, time, "item", "add", "Crashes", "-c", "x");
        await using (var store = await WorkStoreFactory.OpenAsync(
            DatabaseLocation.Sqlite(repository.Combine(".wilson", "wilson.db")), new WorkflowStateMachine(PipelineCatalog.BuiltIn()), time, CancellationToken.None))
        {
            await store.ClaimAsync(new ClaimRequest("worker-a", TimeSpan.FromMinutes(1)), CancellationToken.None);
            time.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(["T-1"], (await store.SweepExpiredLeasesAsync(maxAttempts: 1, CancellationToken.None)).DeadLettered);
        }

        var retry = await Cli.RunAtAsync(repository.Path, time, "retry", "T-1", "--reason", "flaky disk");
        var events = await Cli.RunAtAsync(repository.Path, time, "events", "--item", "T-1");

        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Equal("T-1 is back: Ready at stage plan (attempts reset)\n", retry.Stdout);
        Assert.Contains("Failed at plan -> Ready at plan: flaky disk", events.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_ItemNotInTheDeadLetter_IsRefusedWithTheReason()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Fine", "-c", "x");

        var run = await Cli.RunAsync(repository.Path, "retry", "T-1");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: T-1 is Ready, not in the dead letter (Failed): only a Failed item is requeued"], run.ErrorLines);
    }

    [Fact]
    public async Task Retry_UnknownItem_NamesTheProject()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync("--name", "shop");

        var run = await Cli.RunAsync(repository.Path, "retry", "T-9");

        Assert.Equal(["error: no item T-9 in project shop"], run.ErrorLines);
    }
}
