using Wilson.Testing.Models;

namespace Wilson.Cli.Tests;

/// <summary>
/// When <c>wilson idea --wait</c> stops waiting, and what it then says, where the pipeline fuzz found it wrong: a plan
/// that stops for a person after making items leaves them to be built (it returned at once, leaving them Ready and
/// saying the plan was done if they had merged); an item that depends on a blocked one waits for a person too (the wait
/// never ended).
/// </summary>
public sealed class IdeaWaitTests
{
    private const string NeedsYou = "The plan needs you: see the items above (`wilson item show`, `wilson approve`, `wilson feedback`, `wilson retry`).";

    [Fact]
    public async Task Wait_PlanBlocksAfterMakingAnItem_BuildsTheItemAndSaysThePlanIsBlocked()
    {
        await using var server = await StartAsync(
            Turn("Stage: plan of the plan pipeline", "create_item", """{"title":"Greeting","acceptance_criteria":["`sh test.sh` passes"]}"""),
            Turn("created T-2 (Ready)", "finish", """{"result":"blocked","summary":"which other greetings do you want?"}"""));
        using var repository = await RepositoryAsync(server);

        var idea = await Cli.RunAsync(repository.Path, "idea", "Greet people", "--wait");

        Assert.True(idea.ExitCode == 1, idea.ToString());
        var lines = idea.Stdout.Split('\n');
        Assert.Contains(lines, line => line.StartsWith("T-2    Done ", StringComparison.Ordinal));
        Assert.Contains("       why: plan needs a person: which other greetings do you want?", lines);
        Assert.Equal($"1 of 1 item merged into main, and the plan itself is blocked. {NeedsYou}", lines[^2]);
    }

    [Fact]
    public async Task Wait_ItemDependsOnABlockedItem_EndsWithItReadyBehindIt()
    {
        await using var server = await StartAsync(
            Turn("Stage: plan of the plan pipeline", "create_item", """{"title":"Storage","acceptance_criteria":["`sh test.sh` passes"]}"""),
            Turn("created T-2 (Ready)", "create_item", """{"title":"Reports","acceptance_criteria":["`sh test.sh` passes"],"depends_on":["T-2"]}"""),
            Turn("created T-3 (Ready)", "finish", """{"result":"pass","summary":"storage, then reports"}"""),
            Turn("T-2 Storage\nStage: develop", "finish", """{"result":"blocked","summary":"which database?"}"""));
        using var repository = await RepositoryAsync(server);

        var idea = await Cli.RunAsync(repository.Path, "idea", "Store things and report on them", "--wait");

        Assert.True(idea.ExitCode == 1, idea.ToString());
        var lines = idea.Stdout.Split('\n');
        Assert.Contains(lines, line => line.StartsWith("T-2    Blocked ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("T-3    Ready ", StringComparison.Ordinal));
        Assert.Equal($"0 of 2 items merged into main, 1 blocked or failed, 1 not finished. {NeedsYou}", lines[^2]);
    }

    private static ScriptedTurn Turn(string whenContains, string tool, string arguments) =>
        new() { WhenContains = whenContains, ToolCalls = [new ScriptedToolCall(tool, arguments)], Once = tool == "create_item" };

    // The test's turns first, then the plainest honest agents for everything else.
    private static async Task<FakeModelServer> StartAsync(params ScriptedTurn[] turns)
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.AddRange([new FakeModel("llama3.2:3b", 2L << 30), new FakeModel("qwen2.5-coder:7b", 5L << 30)]);
        script.Turns.AddRange(turns);
        script.Turns.AddRange(HonestAgents.Turns());
        return await FakeModelServer.StartAsync(script);
    }

    private static async Task<TempGitRepository> RepositoryAsync(FakeModelServer server)
    {
        var repository = await TempGitRepository.CreateAsync();
        File.WriteAllText(repository.Combine("test.sh"), "echo all passed\n");
        await GitRunner.RunAsync(repository.Path, "add", "--all");
        await GitRunner.RunAsync(repository.Path, "commit", "--quiet", "-m", "a project with tests");
        Assert.Equal(0, (await Cli.RunAsync(repository.Path, "init", "--profile", "mid")).ExitCode);
        var config = repository.Combine(".wilson", "wilson.yaml");
        File.WriteAllText(config, File.ReadAllText(config)
            .Replace("url: \"\"", $"url: {server.BaseUri}", StringComparison.Ordinal)
            .Replace("test_command: \"\"", "test_command: sh test.sh", StringComparison.Ordinal));
        return repository;
    }
}
