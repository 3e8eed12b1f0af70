using System.Text.Json;
using Wilson.Cli.Commands;
using Wilson.Core.Configuration;
using Wilson.Llm;
using Wilson.Testing;

namespace Wilson.Cli.Tests;

public sealed class InitCommandTests
{
    [Fact]
    public async Task Init_InGitRepository_CreatesSettingsPipelinesGitIgnoreAndDatabase()
    {
        using var repository = await TempGitRepository.CreateAsync();

        var run = await Cli.RunAsync(repository.Path, "init");

        Assert.True(run.ExitCode == 0, run.ToString());
        var config = ProjectConfigFile.Parse("wilson.yaml", await File.ReadAllTextAsync(repository.Combine(".wilson", "wilson.yaml")));
        Assert.Equal(InitCommand.NameFrom(repository.Path), config.Name);
        Assert.Equal("main", config.DefaultBranch);
        Assert.Equal("standard", config.Pipeline);
        Assert.True(File.Exists(repository.Combine(".wilson", "pipelines", "README.md")));
        Assert.True(File.Exists(repository.Combine(".wilson", "wilson.db")));
        var gitIgnore = await File.ReadAllTextAsync(repository.Combine(".wilson", ".gitignore"));
        Assert.Contains("wilson.db*", gitIgnore, StringComparison.Ordinal);
        Assert.Contains("worktrees/", gitIgnore, StringComparison.Ordinal);
        Assert.Contains("created .wilson/wilson.yaml", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Next: wilson item add", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("other commands use it", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task Init_InGitRepository_RegistersTheProjectInTheDatabase()
    {
        using var repository = await TempGitRepository.CreateAsync();
        await Cli.RunAsync(repository.Path, "init", "--name", "demo");

        var events = await Cli.RunAsync(repository.Path, "events", "--json");

        Assert.True(events.ExitCode == 0, events.ToString());
        using var created = JsonDocument.Parse(events.Stdout.Split('\n')[0]);
        Assert.Equal("project.created", created.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Init_OutsideGitRepository_IsRefusedWithTheReason()
    {
        using var directory = new TempDirectory("wilson-cli");

        var run = await Cli.RunAsync(directory.Path, "init");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            [$"error: {directory.Path} is not a git repository: run `git init` first, or pass --git-init"],
            run.ErrorLines);
        Assert.False(Directory.Exists(directory.Combine(".wilson")));
    }

    [Fact]
    public async Task Init_WithGitInit_CreatesTheRepositoryAndTheProject()
    {
        using var directory = new TempDirectory("wilson-cli");

        var run = await Cli.RunAsync(directory.Path, "init", "--git-init", "--branch", "trunk");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(Directory.Exists(directory.Combine(".git")));
        Assert.Equal("trunk", await GitRunner.RunAsync(directory.Path, "symbolic-ref", "--short", "HEAD"));
        var config = ProjectConfigFile.Parse("wilson.yaml", await File.ReadAllTextAsync(directory.Combine(".wilson", "wilson.yaml")));
        Assert.Equal("trunk", config.DefaultBranch);
        Assert.Contains("Created a git repository", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_WithPathArgument_SetsUpThatDirectory()
    {
        using var directory = new TempDirectory("wilson-cli");

        var run = await Cli.RunAsync(directory.Path, "init", "app", "--git-init");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(directory.Combine("app", ".wilson", "wilson.yaml")));
        Assert.False(Directory.Exists(directory.Combine(".wilson")));
    }

    [Fact]
    public async Task Init_Twice_SaysAlreadyInitialisedAndChangesNothing()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync("--name", "first");
        var configFile = repository.Combine(".wilson", "wilson.yaml");
        await File.AppendAllTextAsync(configFile, "# edited by hand\n");
        var before = await File.ReadAllTextAsync(configFile);

        var run = await Cli.RunAsync(repository.Path, "init", "--name", "second");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"already initialised: {repository.Path}", run.Stdout.Trim());
        Assert.Equal(before, await File.ReadAllTextAsync(configFile));
    }

    [Fact]
    public async Task Init_WithNameAndPipeline_WritesThemToWilsonYaml()
    {
        using var repository = await TempGitRepository.CreateAsync();

        var run = await Cli.RunAsync(repository.Path, "init", "--name", "shop", "--pipeline", "tdd");

        Assert.True(run.ExitCode == 0, run.ToString());
        var config = ProjectConfigFile.Parse("wilson.yaml", await File.ReadAllTextAsync(repository.Combine(".wilson", "wilson.yaml")));
        Assert.Equal("shop", config.Name);
        Assert.Equal("tdd", config.Pipeline);
    }

    [Fact]
    public async Task Init_InRepositoryOnAnotherBranch_UsesThatBranch()
    {
        using var repository = await TempGitRepository.CreateAsync(branch: "develop");

        var run = await Cli.RunAsync(repository.Path, "init", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("develop", json.RootElement.GetProperty("defaultBranch").GetString());
        Assert.Equal(repository.Path, json.RootElement.GetProperty("root").GetString());
        Assert.StartsWith("SQLite ", json.RootElement.GetProperty("database").GetString(), StringComparison.Ordinal);
        Assert.Contains(".wilson/wilson.yaml", json.RootElement.GetProperty("created").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Init_WithUnknownPipeline_SuggestsTheClosestAndWritesNothing()
    {
        using var repository = await TempGitRepository.CreateAsync();

        var run = await Cli.RunAsync(repository.Path, "init", "--pipeline", "tdx");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: --pipeline: no pipeline 'tdx' (did you mean 'tdd'?); pipelines: plan, standard, tdd (add your own in .wilson/pipelines/ after init)"], run.ErrorLines);
        Assert.False(Directory.Exists(repository.Combine(".wilson")));
    }

    [Fact]
    public async Task Init_WithProfile_WritesThatProfilesModels()
    {
        using var repository = await TempGitRepository.CreateAsync();

        var run = await Cli.RunAsync(repository.Path, "init", "--profile", "cloud");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("models: profile cloud", run.Stdout, StringComparison.Ordinal);
        var config = ProjectConfigFile.Parse("wilson.yaml", await File.ReadAllTextAsync(repository.Combine(".wilson", "wilson.yaml")));
        Assert.Equal(["claude-sonnet-4-5", "qwen2.5-coder:7b"], config.Models.PurposeModels["plan"]);
        Assert.Equal("ANTHROPIC_API_KEY", config.Models.Endpoints["anthropic"].ApiKeyEnv);
    }

    [Fact]
    public async Task Init_WithLlamaCppProfile_WritesOneKeylessLocalServerForEveryPurpose()
    {
        using var repository = await TempGitRepository.CreateAsync();

        var run = await Cli.RunAsync(repository.Path, "init", "--profile", "llama-cpp");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("models: profile llama-cpp", run.Stdout, StringComparison.Ordinal);
        var text = await File.ReadAllTextAsync(repository.Combine(".wilson", "wilson.yaml"));
        Assert.Contains("--alias local-model", text, StringComparison.Ordinal);
        var models = ProjectConfigFile.Parse("wilson.yaml", text).Models;
        var endpoint = models.Endpoints["llamacpp"];
        Assert.Equal(("openai", "http://127.0.0.1:8080/v1/", null, false), (endpoint.Protocol, endpoint.Url?.AbsoluteUri, endpoint.ApiKeyEnv, endpoint.Cloud));
        var model = models.Models["local-model"];
        Assert.Equal((8192, 1, true, 2048), (model.NumCtx, model.MaxConcurrency, model.SupportsTools, model.MaxOutputTokens));
        Assert.All(ModelsConfig.Purposes, purpose => Assert.Equal(["local-model"], models.PurposeModels[purpose]));
    }

    [Fact]
    public async Task Init_WithoutProfile_ChoosesOneForThisMachinesMemoryAndSaysSo()
    {
        using var repository = await TempGitRepository.CreateAsync();

        var run = await Cli.RunAsync(repository.Path, "init", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(MachineProfiles.ForMemory(MachineMemory.TotalBytes()), json.RootElement.GetProperty("profile").GetString());
        Assert.True(json.RootElement.GetProperty("profileDetected").GetBoolean());
        var config = ProjectConfigFile.Parse("wilson.yaml", await File.ReadAllTextAsync(repository.Combine(".wilson", "wilson.yaml")));
        Assert.NotEmpty(config.Models.PurposeModels["chat"]);
    }

    [Fact]
    public async Task Init_WithUnknownProfile_SuggestsTheClosestAndWritesNothing()
    {
        using var repository = await TempGitRepository.CreateAsync();

        var run = await Cli.RunAsync(repository.Path, "init", "--profile", "medium");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: --profile: no profile 'medium'; profiles: low, mid, high, cloud, llama-cpp"], run.ErrorLines);
        Assert.False(Directory.Exists(repository.Combine(".wilson")));
    }

    [Fact]
    public async Task Init_WithInvalidName_IsRefused()
    {
        using var repository = await TempGitRepository.CreateAsync();

        var run = await Cli.RunAsync(repository.Path, "init", "--name", "my: app");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: --name: 'my: app' is not a project name", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/work/My Project!", "my-project")]
    [InlineData("/work/shop.api", "shop.api")]
    [InlineData("/work/---", "project")]
    public void NameFrom_DirectoryName_IsLowercasedAndSanitised(string root, string expected) =>
        Assert.Equal(expected, InitCommand.NameFrom(root));
}
