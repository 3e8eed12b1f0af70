using Microsoft.Extensions.Time.Testing;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Cli.Tests;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_WorkerDiedHoldingAnItem_SweepsItBackToReadyAndShowsIt()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        var config = Path.Combine(repository.Path, ".wilson", "wilson.yaml");
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(config)).Replace("duration: 5m", "duration: 4s", StringComparison.Ordinal));
        Assert.Equal(0, (await Cli.RunAsync(repository.Path, "item", "add", "Held by a dead worker", "-c", "x")).ExitCode);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        await using (var store = await WorkStoreFactory.OpenAsync(
            DatabaseLocation.Sqlite(Path.Combine(repository.Path, ".wilson", "wilson.db")), new WorkflowStateMachine(PipelineCatalog.BuiltIn()), time, CancellationToken.None))
        {
            Assert.NotNull(await store.ClaimAsync(new ClaimRequest("worker-gone", TimeSpan.FromSeconds(4)), CancellationToken.None));
        }

        var stdout = new CapturedWriter();
        var stderr = new CapturedWriter();
        using var stop = new CancellationTokenSource(Cli.Timeout);
        var environment = Cli.Environment(repository.Path, stdout, stderr) with { Time = time };
        var serve = Task.Run(() => WilsonCli.RunAsync(["serve"], environment, stop.Token));
        var banner = await stdout.WaitForAsync(text => text.Contains("Press Ctrl+C to stop.", StringComparison.Ordinal), Cli.Timeout);

        // The clock moves on until the sweep has run: serve may arm its timer only after a first move.
        var sweeping = stdout.WaitForAsync(text => text.Contains("lease sweep: back to Ready after an expired lease: T-1", StringComparison.Ordinal), Cli.Timeout);
        while (!sweeping.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(sweeping, Task.Delay(50));
        }

        var swept = await sweeping;
        await stdout.WaitForAsync(text => text.Contains("lease of worker-gone expired (attempt 1 of 3)", StringComparison.Ordinal), Cli.Timeout);
        await stop.CancelAsync();
        var exitCode = await serve;

        Assert.Contains("Expired leases are swept every 1s (lease 4s, 3 attempts before the dead letter)", banner, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
        Assert.Contains("Wilson stopped", stdout.Text, StringComparison.Ordinal);
        Assert.Empty(stderr.Text);
        var show = await Cli.RunAsync(repository.Path, "item", "show", "T-1", "--json");
        Assert.True(show.Stdout.Replace(" ", "", StringComparison.Ordinal).Contains("\"status\":\"Ready\"", StringComparison.Ordinal), show.Stdout);
        Assert.Contains("T-1", swept, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WithModels_ChecksTheEndpointsAndLoadsTheKeepAliveModels()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.AddRange([new FakeModel("llama3.2:3b", 2L << 30), new FakeModel("qwen2.5-coder:7b", 5L << 30)]);
        await using var server = await FakeModelServer.StartAsync(script);
        using var repository = await TempGitRepository.CreateInitialisedAsync("--profile", "mid");
        var config = Path.Combine(repository.Path, ".wilson", "wilson.yaml");
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(config)).Replace("url: \"\"", $"url: {server.BaseUri}", StringComparison.Ordinal));
        var stdout = new CapturedWriter();
        using var stop = new CancellationTokenSource(Cli.Timeout);

        var serve = Task.Run(() => WilsonCli.RunAsync(["serve"], Cli.Environment(repository.Path, stdout, new CapturedWriter()), stop.Token));
        await stdout.WaitForAsync(text => text.Contains("models: local is up", StringComparison.Ordinal), Cli.Timeout);
        await stdout.WaitForAsync(text => text.Contains("models: llama3.2:3b on local loaded", StringComparison.Ordinal), Cli.Timeout);
        await stop.CancelAsync();

        Assert.Equal(0, await serve);
        Assert.Contains("llama3.2:3b", server.LoadedModels);
        Assert.DoesNotContain("qwen2.5-coder:7b", server.LoadedModels);
    }

    [Fact]
    public async Task Serve_WithModels_AgentsCarryAnItemThroughItsStagesToApproval()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.AddRange([new FakeModel("llama3.2:3b", 2L << 30), new FakeModel("qwen2.5-coder:7b", 5L << 30)]);
        script.Turns.AddRange(HonestAgents.Turns("stage done"));
        await using var server = await FakeModelServer.StartAsync(script);
        using var repository = await TempGitRepository.CreateInitialisedAsync("--profile", "mid");
        var config = Path.Combine(repository.Path, ".wilson", "wilson.yaml");
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(config))
            .Replace("url: \"\"", $"url: {server.BaseUri}", StringComparison.Ordinal)
            .Replace("test_command: \"\"", "test_command: \"true\"", StringComparison.Ordinal));
        await GitRunner.RunAsync(repository.Path, "commit", "--quiet", "--allow-empty", "-m", "the project");
        Assert.Equal(0, (await Cli.RunAsync(repository.Path, "item", "add", "Say hello", "-c", "it says hello")).ExitCode);
        var stdout = new CapturedWriter();
        using var stop = new CancellationTokenSource(Cli.Timeout);

        var serve = Task.Run(() => WilsonCli.RunAsync(["serve", "--workers", "1"], Cli.Environment(repository.Path, stdout, new CapturedWriter()), stop.Token));
        await stdout.WaitForAsync(text => text.Contains("Agents work the Ready items, 1 at a time.", StringComparison.Ordinal), Cli.Timeout);
        await stdout.WaitForAsync(text => text.Contains("approve passed: stage done", StringComparison.Ordinal), Cli.Timeout);
        await stop.CancelAsync();

        Assert.Equal(0, await serve);
        var show = await Cli.RunAsync(repository.Path, "item", "show", "T-1");
        Assert.Contains("AwaitingApproval", show.Stdout, StringComparison.Ordinal);
        foreach (var stage in new[] { "plan/planner", "develop/developer", "test/tester", "security/security", "docs/docs", "approve/reviewer" })
        {
            Assert.Contains($"{stage} Pass", show.Stdout, StringComparison.Ordinal);
        }

        // What changed about the models is shown and logged; the route of each of the dozen calls is not shown.
        Assert.Contains("models: ", stdout.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(stdout.Text.Split('\n'), line => line.StartsWith("models: ", StringComparison.Ordinal) && line.Contains(" -> ", StringComparison.Ordinal));
        var modelEvents = await Cli.RunAsync(repository.Path, "events", "--type", "model.");
        Assert.Contains("model.endpoint_up", modelEvents.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("model.routed", modelEvents.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WorkersOutOfRange_IsRefused()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "serve", "--workers", "0");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: --workers: 0 is not between 1 and 64"], run.ErrorLines);
    }

    [Fact]
    public async Task Serve_OutsideAProject_FailsWithTheInitHint()
    {
        using var directory = new TempDirectory("wilson-cli");

        var run = await Cli.RunAsync(directory.Path, "serve");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: not a Wilson project (no .wilson/wilson.yaml here or above): run `wilson init`"], run.ErrorLines);
    }
}
