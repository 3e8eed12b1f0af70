using System.Text.Json;

namespace Wilson.Cli.Tests;

public sealed class EventsCommandTests
{
    [Fact]
    public async Task Events_ForAnItem_TellItsStoryInOrder()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Other", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "add", "Story", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "move", "T-2", "--to", "develop", "--reason", "planned");
        await Cli.RunAsync(repository.Path, "pause", "T-2", "--reason", "lunch");
        await Cli.RunAsync(repository.Path, "resume", "T-2", "--reason", "back");

        var run = await Cli.RunAsync(repository.Path, "events", "--item", "T-2", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var events = ParseLines(run.Stdout);
        Assert.Equal(
            ["item.created", "item.transitioned", "item.transitioned", "item.transitioned"],
            events.Select(e => e.GetProperty("type").GetString()));
        Assert.All(events, e => Assert.Equal("T-2", e.GetProperty("item").GetString()));
        var sequences = events.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(["planned", "lunch", "back"], events.Skip(1).Select(e => e.GetProperty("payload").GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Events_Text_SummarisesEachMoveOnOneLine()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Story", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "develop", "--reason", "planned");

        var run = await Cli.RunAsync(repository.Path, "events", "--item", "t-1");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("item.created", lines[0], StringComparison.Ordinal);
        Assert.Contains("title=Story", lines[0], StringComparison.Ordinal);
        Assert.Contains("T-1", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("Ready at plan -> Ready at develop: planned", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_WithLimit_ShowsTheLastOnes()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        for (var i = 1; i <= 4; i++)
        {
            await Cli.RunAsync(repository.Path, "item", "add", $"Item {i}", "-c", "x");
        }

        var run = await Cli.RunAsync(repository.Path, "events", "--limit", "2", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["T-3", "T-4"], ParseLines(run.Stdout).Select(e => e.GetProperty("item").GetString()));
    }

    [Fact]
    public async Task Events_ForUnknownItem_IsRefused()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync("--name", "shop");

        var run = await Cli.RunAsync(repository.Path, "events", "--item", "T-7");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: no item T-7 in project shop"], run.ErrorLines);
    }

    [Fact]
    public async Task Events_Follow_ReceivesAnEventAppendedAfterItStarted()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Story", "-c", "x");
        var stdout = new CapturedWriter();
        var stderr = new CapturedWriter();
        using var stop = new CancellationTokenSource(Cli.Timeout);
        var environment = Cli.Environment(repository.Path, stdout, stderr);

        var follow = Task.Run(() => WilsonCli.RunAsync(["events", "--follow", "--json", "--item", "T-1"], environment, stop.Token));
        await stdout.WaitForAsync(text => text.Contains("\"item.created\"", StringComparison.Ordinal), Cli.Timeout);
        var move = await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "develop", "--reason", "while following");
        var seen = await stdout.WaitForAsync(text => text.Contains("while following", StringComparison.Ordinal), Cli.Timeout);
        await stop.CancelAsync();
        var exitCode = await follow;

        Assert.True(move.ExitCode == 0, move.ToString());
        Assert.Equal(["item.created", "item.transitioned"], ParseLines(seen).Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(130, exitCode);
        Assert.Empty(stderr.Text);
    }

    private static List<JsonElement> ParseLines(string ndjson) =>
        [.. ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        })];
}
