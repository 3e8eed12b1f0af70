using Wilson.Testing.Models;

namespace Wilson.Cli.Tests;

/// <summary><c>wilson idea</c> without waiting, and its refusals.</summary>
public sealed class IdeaCommandTests
{
    [Fact]
    public async Task An_idea_becomes_a_plan_item_for_the_planner()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var idea = await Cli.RunAsync(repository.Path, "idea", "add a health endpoint\nwith a test");
        var show = await Cli.RunAsync(repository.Path, "item", "show", "T-1");

        Assert.True(idea.ExitCode == 0, idea.ToString());
        Assert.StartsWith("PLAN-1 (T-1) is the plan for your idea; the planner breaks it into items.", idea.Stdout, StringComparison.Ordinal);
        Assert.Contains("`wilson serve` does the work", idea.Stdout, StringComparison.Ordinal);
        Assert.Contains("plan (pipeline plan)", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("add a health endpoint", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("plan", show.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_plan_review_the_plan_says_it_waits_for_approval()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        File.AppendAllText(repository.Combine(".wilson", "wilson.yaml"), "\napprovals:\n  plan_review: true\n");

        var idea = await Cli.RunAsync(repository.Path, "idea", "add a health endpoint");

        Assert.Contains("which wait for `wilson approve PLAN-1` (plan review is on)", idea.Stdout, StringComparison.Ordinal);
        Assert.Equal(["error: T-1 is not awaiting approval: it is Ready at plan"], (await Cli.RunAsync(repository.Path, "approve", "PLAN-1")).ErrorLines);
    }

    [Fact]
    public async Task An_empty_idea_or_waiting_without_models_is_refused()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        File.WriteAllText(repository.Combine(".wilson", "wilson.yaml"), "project:\n  name: shop\n");

        var empty = await Cli.RunAsync(repository.Path, "idea", "   ");
        var noModels = await Cli.RunAsync(repository.Path, "idea", "add a health endpoint", "--wait");

        Assert.Equal(["error: the idea is empty: say what you want, e.g. wilson idea \"add a health endpoint\""], empty.ErrorLines);
        Assert.Equal(1, noModels.ExitCode);
        Assert.StartsWith("error: no models are configured", Assert.Single(noModels.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plan_that_never_makes_items_ends_honestly_after_three_tries_and_the_wait_exits_1()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.AddRange([new FakeModel("llama3.2:3b", 2L << 30), new FakeModel("qwen2.5-coder:7b", 5L << 30)]);
        script.Turns.Add(new ScriptedTurn { ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"Done! hello.txt now greets everyone."}""")] });
        await using var server = await FakeModelServer.StartAsync(script);
        using var repository = await TempGitRepository.CreateInitialisedAsync("--profile", "mid");
        var config = repository.Combine(".wilson", "wilson.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("url: \"\"", $"url: {server.BaseUri}", StringComparison.Ordinal));
        await GitRunner.RunAsync(repository.Path, "commit", "--quiet", "--allow-empty", "-m", "the project");

        var idea = await Cli.RunAsync(repository.Path, "idea", "Create hello.txt with a greeting", "--wait");
        var show = await Cli.RunAsync(repository.Path, "item", "show", "T-1");

        Assert.True(idea.ExitCode == 1 && idea.Stdout.Length > 0, idea.ToString());
        Assert.EndsWith("Nothing was built: the plan has no items. The plan needs you: see the items above (`wilson item show`, `wilson approve`, `wilson feedback`, `wilson retry`).\n",
            idea.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("merged", idea.Stdout.Split('\n')[^2], StringComparison.Ordinal);
        Assert.Contains("Blocked", show.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, show.Stdout.Split("plan/planner Fail").Length - 1);
        Assert.Contains(
            "T-1    Blocked           plan       Create hello.txt with a greeting\n       why: plan failed 3 times in a row; a person must look: claimed a pass without the evidence: " +
            "the plan has no items: create each item of the plan with create_item (a title and acceptance criteria), then finish. It said: \"Done! hello.txt now greets everyone.\"\n",
            idea.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count(r => r.Path == "/api/chat"));
        Assert.False(File.Exists(repository.Combine("hello.txt")));
    }
}
