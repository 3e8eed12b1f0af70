using System.Text.Json;
using Wilson.Core.Events;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage;

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

    [Fact]
    public async Task Events_FollowWithAType_ShowsOnlyNewEventsOfThatType()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Story", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "develop", "--reason", "before");
        var stdout = new CapturedWriter();
        using var stop = new CancellationTokenSource(Cli.Timeout);
        var environment = Cli.Environment(repository.Path, stdout, new CapturedWriter());

        var follow = Task.Run(() => WilsonCli.RunAsync(["events", "--follow", "--json", "--type", "item.transitioned"], environment, stop.Token));
        await stdout.WaitForAsync(text => text.Contains("before", StringComparison.Ordinal), Cli.Timeout);
        await Cli.RunAsync(repository.Path, "item", "add", "Not shown", "-c", "x");
        await Cli.RunAsync(repository.Path, "pause", "T-1", "--reason", "while following");
        var seen = await stdout.WaitForAsync(text => text.Contains("while following", StringComparison.Ordinal), Cli.Timeout);
        await stop.CancelAsync();
        await follow;

        var shown = ParseLines(seen);
        Assert.Equal(["item.transitioned", "item.transitioned"], shown.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(["before", "while following"], shown.Select(e => e.GetProperty("payload").GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Events_ByTypeAndExcludedType_ShowOnlyThoseKinds()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Story", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "develop", "--reason", "planned");

        var items = await Cli.RunAsync(repository.Path, "events", "--type", "item.", "--exclude-type", "item.created", "--json");
        var two = await Cli.RunAsync(repository.Path, "events", "--type", "project.created", "--type", "item.created", "--json");

        Assert.True(items.ExitCode == 0, items.ToString());
        Assert.Equal(["item.transitioned"], ParseLines(items.Stdout).Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(["project.created", "item.created"], ParseLines(two.Stdout).Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Events_ByActor_AKindOrOneActor()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Story", "-c", "x");
        var me = Actor.CurrentUser().ToString();

        var people = await Cli.RunAsync(repository.Path, "events", "--actor", "Person", "--json");
        var mine = await Cli.RunAsync(repository.Path, "events", "--actor", me, "--json");
        var agents = await Cli.RunAsync(repository.Path, "events", "--actor", "agent", "--json");
        var someoneElse = await Cli.RunAsync(repository.Path, "events", "--actor", "person:nobody-here", "--json");

        Assert.True(people.ExitCode == 0, people.ToString());
        Assert.Equal(["project.created", "item.created"], ParseLines(people.Stdout).Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(people.Stdout, mine.Stdout);
        Assert.Equal("", agents.Stdout);
        Assert.Equal("", someoneElse.Stdout);
    }

    [Fact]
    public async Task Events_ByText_FindsItInThePayloadIgnoringCase()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Parser for dates", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "add", "Cache", "-c", "x");

        var run = await Cli.RunAsync(repository.Path, "events", "--text", "PARSER", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var found = Assert.Single(ParseLines(run.Stdout));
        Assert.Equal(("item.created", "T-1"), (found.GetProperty("type").GetString(), found.GetProperty("item").GetString()));
    }

    [Fact]
    public async Task Events_WithLimitAndType_ShowTheLastOnesOfThatType_ReadBackPastAPage()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync("--name", "shop");
        await using (var store = await OpenStoreAsync(repository))
        {
            var project = (await store.FindProjectAsync("shop", CancellationToken.None))!;
            for (var i = 1; i <= 1_200; i++)
            {
                var type = i % 2 == 0 ? "test.even" : "test.odd";
                await store.AppendEventAsync(new NewEvent(project.Id, null, type, Actor.System, $$"""{"i":{{i}}}"""), CancellationToken.None);
            }
        }

        var last = await Cli.RunAsync(repository.Path, "events", "--type", "test.even", "--limit", "550", "--json");
        var all = await Cli.RunAsync(repository.Path, "events", "--exclude-type", "project.", "--json");

        Assert.True(last.ExitCode == 0, last.ToString());
        var shown = ParseLines(last.Stdout).Select(e => e.GetProperty("payload").GetProperty("i").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(51, 550).Select(n => n * 2), shown);
        Assert.Equal(1_200, ParseLines(all.Stdout).Count);
    }

    [Theory]
    [InlineData("--actor", "ada", "error: --actor: 'ada' is neither a kind of actor (person, agent, system) nor kind:name such as person:ada")]
    [InlineData("--actor", "agent:", "error: --actor: 'agent:' is neither a kind of actor (person, agent, system) nor kind:name such as person:ada")]
    [InlineData("--actor", "agnet:developer", "error: --actor: 'agnet:developer' is neither a kind of actor (person, agent, system) nor kind:name such as person:ada (did you mean 'agent'?)")]
    [InlineData("--type", " ", "error: --type: give a type such as item.created, or a prefix such as agent.")]
    public async Task Events_BadFilter_IsRefusedNamingTheOption(string option, string value, string error)
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "events", option, value);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([error], run.ErrorLines);
    }

    private static Task<IWorkStore> OpenStoreAsync(TempGitRepository repository) =>
        WorkStoreFactory.OpenAsync(DatabaseLocation.Sqlite(repository.Combine(".wilson", "wilson.db")),
            new WorkflowStateMachine(PipelineCatalog.BuiltIn()), TimeProvider.System, CancellationToken.None);

    private static List<JsonElement> ParseLines(string ndjson) =>
        [.. ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        })];
}
