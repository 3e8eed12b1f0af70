using Wilson.Testing;

namespace Wilson.Cli.Tests;

public sealed class ErrorHandlingTests
{
    [Theory]
    [InlineData("status")]
    [InlineData("item", "list")]
    [InlineData("events")]
    [InlineData("pause", "--all")]
    public async Task Command_OutsideAProject_SaysToRunInit(params string[] args)
    {
        using var directory = new TempDirectory("wilson-cli");

        var run = await Cli.RunAsync(directory.Path, args);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: not a Wilson project (no .wilson/wilson.yaml here or above): run `wilson init`"], run.ErrorLines);
    }

    [Fact]
    public async Task Command_InASubdirectory_FindsTheProjectAbove()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync("--name", "shop");
        var subdirectory = Directory.CreateDirectory(repository.Combine("src", "app")).FullName;

        var run = await Cli.RunAsync(subdirectory, "status");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Project shop", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_WithBadWilsonYaml_NamesTheFileLineAndKey()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        var configFile = repository.Combine(".wilson", "wilson.yaml");
        await File.WriteAllTextAsync(configFile, "project:\n  name: shop\n  pipline: tdd\n");

        var run = await Cli.RunAsync(repository.Path, "item", "list");

        Assert.Equal(1, run.ExitCode);
        var error = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"error: {configFile}:3: project.pipline: ", error, StringComparison.Ordinal);
        Assert.Contains("'pipeline'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_WithBadWilsonYamlAndVerbose_AddsTheException()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        await File.WriteAllTextAsync(repository.Combine(".wilson", "wilson.yaml"), "project:\n  name: shop\n  pipline: tdd\n");

        var run = await Cli.RunAsync(repository.Path, "item", "list", "--verbose");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: ", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains("ConfigFormatException", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(" at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_WithUnknownPipelineInWilsonYaml_NamesTheKey()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();
        var configFile = repository.Combine(".wilson", "wilson.yaml");
        await File.WriteAllTextAsync(configFile, "project:\n  name: shop\n  pipeline: tdx\n");

        var run = await Cli.RunAsync(repository.Path, "status");

        Assert.Equal(
            [$"error: {configFile}: project.pipeline: no pipeline 'tdx' (did you mean 'tdd'?); pipelines: plan, standard, tdd"],
            run.ErrorLines);
    }

    [Fact]
    public async Task Command_WithUnreachablePostgres_NamesTheDatabaseButNotThePassword()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunAsync(
            repository.Path, "status", "--db", "Host=127.0.0.1;Port=1;Username=wilson;Password=hunter2;Database=shop;Timeout=5");

        Assert.Equal(1, run.ExitCode);
        var error = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: cannot open the database PostgreSQL 127.0.0.1:1/shop: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Stderr + run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_WithMalformedDatabaseVariable_NamesTheVariable()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var run = await Cli.RunWithAsync(repository.Path, new Dictionary<string, string> { ["WILSON_DATABASE"] = "Hots=x" }, "status");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: WILSON_DATABASE: not a PostgreSQL connection string", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_WithSqliteDatabaseOption_UsesThatFile()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync();

        var add = await Cli.RunAsync(repository.Path, "item", "add", "Elsewhere", "-c", "x", "--db", "sqlite:other.db");
        var listOther = await Cli.RunAsync(repository.Path, "item", "list", "--db", "sqlite:other.db");
        var listDefault = await Cli.RunAsync(repository.Path, "item", "list");

        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.True(File.Exists(repository.Combine("other.db")));
        Assert.Contains("Elsewhere", listOther.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Elsewhere", listDefault.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_IsAUsageErrorOnOneLine()
    {
        using var directory = new TempDirectory("wilson-cli");

        var run = await Cli.RunAsync(directory.Path, "item", "ad", "x");

        Assert.Equal(2, run.ExitCode);
        var error = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("'ad'", error, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }
}
