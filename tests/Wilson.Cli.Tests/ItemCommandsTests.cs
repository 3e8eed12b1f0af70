using System.Text.Json;

namespace Wilson.Cli.Tests;

public sealed class ItemCommandsTests
{
    [Fact]
    public async Task Add_WithCriteria_PrintsTheKeyAndIsReady()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "add", "Add an export button", "--criteria", "the board has an export button");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("T-1 created (Ready, stage plan)", run.Stdout.Trim());
    }

    [Fact]
    public async Task Add_WithoutCriteria_IsDraftAndSaysWhy()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "add", "Add an export button");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("T-1 created (Draft, stage plan): not ready yet, it has no acceptance criteria", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_WithDraftFlag_StaysDraftDespiteCriteria()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "add", "Add an export button", "-c", "it exports", "--draft");

        Assert.Equal("T-1 created (Draft, stage plan)", run.Stdout.Trim());
    }

    [Fact]
    public async Task Add_ThenListAndShow_ShowTheItem()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Add an export button", "-c", "the board has an export button", "-p", "2");

        var list = await Cli.RunAsync(repository.Path, "item", "list");
        var show = await Cli.RunAsync(repository.Path, "item", "show", "t-1");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("T-1", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("Add an export button", list.Stdout, StringComparison.Ordinal);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("Add an export button", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("- the board has an export button", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("plan (pipeline standard)", show.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", show.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_WithEveryOption_StoresThemAndJsonParses()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Schema first", "-c", "a table exists");

        var run = await Cli.RunAsync(
            repository.Path, "item", "add", "Fix the crash on empty boards", "--json",
            "--description", "It throws on load", "-c", "no crash", "-c", "a test covers it", "--depends-on", "t-1",
            "--priority", "2", "--tier", "complex", "--kind", "bug", "--pipeline", "tdd");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var item = json.RootElement;
        Assert.Equal("T-2", item.GetProperty("key").GetString());
        Assert.Equal("It throws on load", item.GetProperty("description").GetString());
        Assert.Equal(["no crash", "a test covers it"], item.GetProperty("acceptanceCriteria").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["T-1"], item.GetProperty("dependencies").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, item.GetProperty("priority").GetInt32());
        Assert.Equal("Complex", item.GetProperty("tier").GetString());
        Assert.Equal("Bug", item.GetProperty("kind").GetString());
        Assert.Equal("tdd", item.GetProperty("pipeline").GetString());
        Assert.Equal("Ready", item.GetProperty("status").GetString());
        Assert.Equal(0, item.GetProperty("progress").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Add_WithoutTier_LetsTheStoreInferIt()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "add", "Fix a typo in the README", "-c", "no typo", "--json");

        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("Trivial", json.RootElement.GetProperty("tier").GetString());
    }

    [Fact]
    public async Task Add_WithPriorityOutOfRange_IsRefused()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "add", "Something", "--priority", "11");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: priority: 11 is outside 1-10 (1 is the most urgent)"], run.ErrorLines);
    }

    [Fact]
    public async Task Add_WithUnknownDependency_PrintsTheStoresRefusal()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "add", "Something", "--depends-on", "T-9");

        Assert.Equal(1, run.ExitCode);
        var error = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("T-9", error, StringComparison.Ordinal);
        var list = await Cli.RunAsync(repository.Path, "item", "list", "--json");
        Assert.Equal("[]", list.Stdout.Trim());
    }

    [Fact]
    public async Task Add_WithMalformedDependency_IsRefused()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "add", "Something", "--depends-on", "nine");

        Assert.Equal(["error: 'nine' is not an item key like T-1 (or PLAN-1 for a plan)"], run.ErrorLines);
    }

    [Fact]
    public async Task Add_WithUnknownPipeline_SuggestsTheClosest()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "add", "Something", "--pipeline", "tdx");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: no pipeline 'tdx' (did you mean 'tdd'?); pipelines: plan, standard, tdd"], run.ErrorLines);
    }

    [Fact]
    public async Task Add_WithEmptyTitle_IsRefused()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "add", "  ");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: title: must not be empty"], run.ErrorLines);
    }

    [Fact]
    public async Task Add_WithUnknownTier_IsAUsageError()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "add", "Something", "--tier", "huge");

        Assert.Equal(2, run.ExitCode);
        var error = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: Argument 'huge' not recognized. Must be one of:", error, StringComparison.Ordinal);
        Assert.EndsWith("(see `wilson item add --help`)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownItem_NamesTheProject()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync("--name", "shop");

        var run = await Cli.RunAsync(repository.Path, "item", "show", "T-99");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: no item T-99 in project shop"], run.ErrorLines);
    }

    [Fact]
    public async Task List_WithStatus_ShowsOnlyThoseItems()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Ready one", "-c", "done when done");
        await Cli.RunAsync(repository.Path, "item", "add", "Draft one");

        var run = await Cli.RunAsync(repository.Path, "item", "list", "--status", "draft", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var item = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("Draft one", item.GetProperty("title").GetString());
    }

    [Fact]
    public async Task List_WithStage_ShowsOnlyThoseItems()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Stays", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "add", "Moves", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "move", "T-2", "--to", "develop", "--reason", "planned");

        var run = await Cli.RunAsync(repository.Path, "item", "list", "--stage", "Develop");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Moves", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Stays", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("ready,running")]
    public async Task List_WithStatusThatIsNoName_IsRefused(string status)
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "list", "--status", status);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"error: --status: unknown status '{status}'", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WithUnknownStatus_ListsTheStatuses()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "list", "--status", "redy");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            ["error: --status: unknown status 'redy' (did you mean 'Ready'?); statuses: Draft, Ready, Running, AwaitingApproval, Blocked, Paused, Failed, Done, Cancelled"],
            run.ErrorLines);
    }

    [Fact]
    public async Task List_WithNoItems_SaysHowToAddOne()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "item", "list");

        Assert.Contains("No items yet", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Move_ThroughEveryStage_EndsDone()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Add an export button", "-c", "it exports");

        foreach (var stage in new[] { "develop", "test", "security", "docs", "approve" })
        {
            var move = await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", stage, "--reason", $"on to {stage}");
            Assert.True(move.ExitCode == 0, move.ToString());
            Assert.EndsWith($"Ready at {stage}", move.Stdout.Trim(), StringComparison.Ordinal);
        }

        var done = await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "done", "--reason", "approved", "--json");

        Assert.True(done.ExitCode == 0, done.ToString());
        using var json = JsonDocument.Parse(done.Stdout);
        Assert.Equal("Done", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("done", json.RootElement.GetProperty("stage").GetString());
    }

    [Fact]
    public async Task Move_ToDone_FinishesTheItemAtTheFinalStage()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Already merged", "-c", "x");

        var run = await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "done", "--reason", "merged by hand");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("T-1 moved: Ready at plan -> Done at done", run.Stdout.Trim());
    }

    [Theory]
    [InlineData("stage develop")]
    [InlineData("stage:develop")]
    [InlineData("DEVELOP")]
    public async Task Move_ToStageAsRefusalsListIt_IsAccepted(string target)
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Something", "-c", "x");

        var run = await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", target, "--reason", "planned");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("T-1 moved: Ready at plan -> Ready at develop", run.Stdout.Trim());
    }

    [Fact]
    public async Task Move_ToStatus_ChangesTheStatusAtTheSameStage()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Draft one");
        await Cli.RunAsync(repository.Path, "item", "add", "Blocked one", "-c", "x");

        var cancel = await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "cancelled", "--reason", "not needed");
        var block = await Cli.RunAsync(repository.Path, "item", "move", "T-2", "--to", "blocked", "--reason", "needs a decision");

        Assert.Equal("T-1 moved: Draft at plan -> Cancelled at plan", cancel.Stdout.Trim());
        Assert.Equal("T-2 moved: Ready at plan -> Blocked at plan", block.Stdout.Trim());
    }

    [Fact]
    public async Task Move_RefusedByTheStateMachine_NamesTheAllowedTargets()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Draft one");

        var run = await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "develop", "--reason", "go");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            ["error: T-1: cannot move from Draft (stage plan) to stage develop: a Draft item cannot change stage; allowed from Draft: Ready, Cancelled"],
            run.ErrorLines);
    }

    [Fact]
    public async Task Move_DraftWithoutCriteriaToReady_SaysWhatIsMissing()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Draft one");

        var run = await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "ready", "--reason", "go");

        Assert.Equal(1, run.ExitCode);
        var error = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: T-1 is not ready: it has no acceptance criteria", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Move_ToUnknownTarget_ListsStatusesAndStages()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Something", "-c", "x");

        var run = await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "devlop", "--reason", "go");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            ["error: 'devlop' is neither a status nor a stage of pipeline 'standard' (did you mean 'develop'?); "
                + "statuses: Draft, Ready, Running, AwaitingApproval, Blocked, Paused, Failed, Done, Cancelled; "
                + "stages: plan, develop, test, security, docs, approve, done"],
            run.ErrorLines);
    }

    [Fact]
    public async Task Move_WithoutReason_IsAUsageError()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Something", "-c", "x");

        var run = await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "develop");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["error: Option '--reason' is required. (see `wilson item move --help`)"], run.ErrorLines);
    }

    [Fact]
    public async Task Move_WithBlankReason_IsRefused()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "Something", "-c", "x");

        var run = await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "develop", "--reason", " ");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: T-1: a transition needs a reason", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_ChangesWhatIsGiven_AndRefusesACycleOrNothing()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "One", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "add", "Two", "-c", "y", "--depends-on", "T-1");

        var edit = await Cli.RunAsync(repository.Path, "item", "edit", "T-1", "--title", "One, better", "-c", "a", "-c", "b", "--priority", "2");
        var cycle = await Cli.RunAsync(repository.Path, "item", "edit", "T-1", "--depends-on", "T-2");
        var nothing = await Cli.RunAsync(repository.Path, "item", "edit", "T-1");
        var show = await Cli.RunAsync(repository.Path, "item", "show", "T-1", "--json");

        Assert.True(edit.ExitCode == 0, edit.ToString());
        Assert.Equal("T-1 edited (Ready at plan)", edit.Stdout.Trim());
        var item = System.Text.Json.JsonDocument.Parse(show.Stdout).RootElement;
        Assert.Equal(("One, better", 2), (item.GetProperty("title").GetString(), item.GetProperty("priority").GetInt32()));
        Assert.Equal(["a", "b"], item.GetProperty("acceptanceCriteria").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(1, cycle.ExitCode);
        Assert.Contains("cycle", Assert.Single(cycle.ErrorLines), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["error: nothing to change: give --title, --description, --criteria, --depends-on, --priority or --tier"], nothing.ErrorLines);
    }
}
