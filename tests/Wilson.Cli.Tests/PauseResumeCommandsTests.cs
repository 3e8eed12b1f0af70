using System.Text.Json;

namespace Wilson.Cli.Tests;

public sealed class PauseResumeCommandsTests
{
    [Fact]
    public async Task PauseThenResume_Item_ReturnsItWhereItWas()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "One", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "develop", "--reason", "planned");

        var pause = await Cli.RunAsync(repository.Path, "pause", "T-1", "--reason", "waiting for the design");
        var paused = await Cli.RunAsync(repository.Path, "item", "show", "T-1", "--json");
        var resume = await Cli.RunAsync(repository.Path, "resume", "T-1");
        var resumed = await Cli.RunAsync(repository.Path, "item", "show", "T-1", "--json");

        Assert.True(pause.ExitCode == 0, pause.ToString());
        Assert.Equal("T-1 paused (was Ready); resume with `wilson resume T-1`", pause.Stdout.Trim());
        Assert.Equal("Paused", Status(paused));
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Equal("T-1 resumed: Ready at stage develop", resume.Stdout.Trim());
        Assert.Equal("Ready", Status(resumed));
    }

    [Fact]
    public async Task PauseThenResume_All_PausesAndResumesTheProject()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync("--name", "shop");

        var pause = await Cli.RunAsync(repository.Path, "pause", "--all", "--reason", "release freeze");
        var whilePaused = await Cli.RunAsync(repository.Path, "status", "--json");
        var resume = await Cli.RunAsync(repository.Path, "resume", "--all");
        var afterResume = await Cli.RunAsync(repository.Path, "status", "--json");

        Assert.True(pause.ExitCode == 0, pause.ToString());
        Assert.StartsWith("Project shop paused", pause.Stdout, StringComparison.Ordinal);
        Assert.True(Paused(whilePaused));
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Equal("Project shop resumed", resume.Stdout.Trim());
        Assert.False(Paused(afterResume));
    }

    [Fact]
    public async Task Pause_WithNeitherKeyNorAll_IsRefused()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "pause");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: name an item (T-1) or pass --all"], run.ErrorLines);
    }

    [Fact]
    public async Task Resume_WithBothKeyAndAll_IsRefused()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(repository.Path, "resume", "T-1", "--all");

        Assert.Equal(["error: name an item (T-1) or pass --all, not both"], run.ErrorLines);
    }

    [Fact]
    public async Task Resume_ItemThatIsNotPaused_IsRefused()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "One", "-c", "x");

        var run = await Cli.RunAsync(repository.Path, "resume", "T-1");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: T-1 is not paused (it is Ready at stage plan)"], run.ErrorLines);
    }

    [Fact]
    public async Task Pause_ItemThatIsDone_IsRefusedByTheStateMachine()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await Cli.RunAsync(repository.Path, "item", "add", "One", "-c", "x");
        await Cli.RunAsync(repository.Path, "item", "move", "T-1", "--to", "done", "--reason", "already merged");

        var run = await Cli.RunAsync(repository.Path, "pause", "T-1");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: T-1: cannot move from Done (stage done) to Paused: not allowed from there; allowed from Done: none"], run.ErrorLines);
    }

    private static string? Status(CliRun run)
    {
        using var json = JsonDocument.Parse(run.Stdout);
        return json.RootElement.GetProperty("status").GetString();
    }

    private static bool Paused(CliRun run)
    {
        using var json = JsonDocument.Parse(run.Stdout);
        return json.RootElement.GetProperty("paused").GetBoolean();
    }
}
