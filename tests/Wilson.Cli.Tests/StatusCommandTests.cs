using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workers;
using Wilson.Core.Workflow;
using Wilson.Storage;

namespace Wilson.Cli.Tests;

public sealed class StatusCommandTests
{
    [Fact]
    public async Task Status_Json_CountsItemsByStageAndStatus()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync("--name", "shop");
        await Cli.RunAsync(repository.Path, "item", "add", "One", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "add", "Two", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "add", "Three");
        await Cli.RunAsync(repository.Path, "item", "move", "T-2", "--to", "develop", "--reason", "planned");

        var run = await Cli.RunAsync(repository.Path, "status", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var counts = json.RootElement.GetProperty("counts").EnumerateArray()
            .ToDictionary(c => $"{c.GetProperty("stage").GetString()}/{c.GetProperty("status").GetString()}", c => c.GetProperty("count").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["plan/Ready"] = 1, ["plan/Draft"] = 1, ["develop/Ready"] = 1 }, counts);
        Assert.Equal("shop", json.RootElement.GetProperty("project").GetString());
        Assert.False(json.RootElement.GetProperty("paused").GetBoolean());
        Assert.Empty(json.RootElement.GetProperty("running").EnumerateArray());
        Assert.Empty(json.RootElement.GetProperty("deadLetter").EnumerateArray());
    }

    [Fact]
    public async Task Status_Text_ListsStagesInPipelineOrder()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync("--name", "shop");
        await Cli.RunAsync(repository.Path, "item", "add", "One", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "test", "--reason", "skip ahead");

        var run = await Cli.RunAsync(repository.Path, "status");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Project shop: active", run.Stdout, StringComparison.Ordinal);
        var positions = new[] { "plan", "develop", "test", "security", "docs", "approve", "done" }
            .Select(stage => run.Stdout.IndexOf($" {stage} ", StringComparison.Ordinal))
            .ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
        Assert.Contains("Running: nothing", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Dead letter: empty", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_WhenProjectPaused_SaysSo()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync("--name", "shop");
        await Cli.RunAsync(repository.Path, "pause", "--all");

        var run = await Cli.RunAsync(repository.Path, "status");

        Assert.Contains("Project shop: paused", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_WithClaimedAndDeadLetteredItems_ShowsOwnerLeaseAndDeadLetter()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 9, 0, 0, TimeSpan.Zero));
        time.SetLocalTimeZone(TimeZoneInfo.Utc);
        using var repository = await TempGitRepository.CreateInitialisedAsync("--name", "shop");
        await Cli.RunAtAsync(repository.Path, time, "item", "add", "Crashes", "-c", "x", "--priority", "1");
        await Cli.RunAtAsync(repository.Path, time, "item", "add", "Runs", "-c", "x", "--priority", "2");
        await using (var store = await WorkStoreFactory.OpenAsync(
            DatabaseLocation.Sqlite(repository.Combine(".wilson", "wilson.db")), new WorkflowStateMachine(PipelineCatalog.BuiltIn()), time, CancellationToken.None))
        {
            var project = await store.FindProjectAsync("shop", CancellationToken.None);
            var crashed = await store.ClaimAsync(new ClaimRequest("worker-a", TimeSpan.FromMinutes(1), project!.Id), CancellationToken.None);
            Assert.Equal("T-1", crashed?.Key);
            time.Advance(TimeSpan.FromMinutes(2));
            var sweep = await store.SweepExpiredLeasesAsync(maxAttempts: 1, CancellationToken.None);
            Assert.Equal(["T-1"], sweep.DeadLettered);
            var running = await store.ClaimAsync(new ClaimRequest("worker-b", TimeSpan.FromMinutes(5), project.Id), CancellationToken.None);
            Assert.Equal("T-2", running?.Key);
        }

        var run = await Cli.RunAtAsync(repository.Path, time, "status");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n');
        var runningLine = Assert.Single(lines, l => l.Contains("Runs", StringComparison.Ordinal) && l.Contains("worker-b", StringComparison.Ordinal));
        Assert.Contains("2030-01-02 09:07:00 (in 5m 0s)", runningLine, StringComparison.Ordinal);
        Assert.Contains("Dead letter (Failed)", run.Stdout, StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains("Crashes", StringComparison.Ordinal) && l.Contains("T-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_ShowsWhatTheWorkerOnARunningItemIsDoing_FromItsStatusInTheStore()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Busy", "-c", "x");
        await ClaimAsync(repository, "host-1-w3", step: 4);

        var json = await Cli.RunAsync(repository.Path, "status", "--json");
        var text = await Cli.RunAsync(repository.Path, "status");

        var worker = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("workers")[0];
        Assert.Equal(("T-1", "host-1-w3", "planner", "qwen2.5-coder:7b", 4, false),
            (worker.GetProperty("itemKey").GetString(), worker.GetProperty("worker").GetString(), worker.GetProperty("role").GetString(),
             worker.GetProperty("model").GetString(), worker.GetProperty("step").GetInt32(), worker.GetProperty("paused").GetBoolean()));
        Assert.Contains("planner on qwen2.5-coder:7b, step 4", text.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("paused", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusAndItemShow_ARunningItemPaused_SayWhoPausedItAndSinceWhen()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Busy", "-c", "x");
        await ClaimAsync(repository, "host-1-w3", step: 2);

        var pause = await Cli.RunAsync(repository.Path, "pause", "T-1", "--reason", "let me look");
        var status = await Cli.RunAsync(repository.Path, "status");
        var show = await Cli.RunAsync(repository.Path, "item", "show", "T-1");

        Assert.True(pause.ExitCode == 0, pause.ToString());
        var pausedBy = $"paused by {Actor.CurrentUser().Name} ";
        Assert.Contains(pausedBy, Assert.Single(status.Stdout.Split('\n'), l => l.Contains("T-1", StringComparison.Ordinal)), StringComparison.Ordinal);
        var agent = Assert.Single(show.Stdout.Split('\n'), l => l.Contains("Agent", StringComparison.Ordinal));
        Assert.Contains("planner on qwen2.5-coder:7b, step 2", agent, StringComparison.Ordinal);
        Assert.Contains(pausedBy, agent, StringComparison.Ordinal);
        Assert.Contains("s ago", agent, StringComparison.Ordinal);
    }

    // Claims T-1 as a worker of another process would, and writes its status as that worker does.
    private static async Task ClaimAsync(TempGitRepository repository, string worker, int step)
    {
        await using var store = await WorkStoreFactory.OpenAsync(
            DatabaseLocation.Sqlite(repository.Combine(".wilson", "wilson.db")), new WorkflowStateMachine(PipelineCatalog.BuiltIn()), TimeProvider.System, CancellationToken.None);
        var claimed = (await store.ClaimAsync(new ClaimRequest(worker, TimeSpan.FromMinutes(5)), CancellationToken.None))!;
        await store.SaveWorkerAsync(new WorkerStatus
        {
            Worker = worker, Machine = "host-1", ProjectId = claimed.ProjectId, ItemKey = claimed.Key, Stage = claimed.Stage, Role = "planner",
            Model = "qwen2.5-coder:7b", Step = step, StartedAt = TimeProvider.System.GetUtcNow(), LastProgressAt = TimeProvider.System.GetUtcNow(),
        }, CancellationToken.None);
    }
}
