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
}
