using System.Text.Json;
using Wilson.Testing;

namespace Wilson.Cli.Tests;

/// <summary>The CLI on a shared PostgreSQL database instead of the embedded SQLite file.</summary>
public sealed class PostgresTests
{
    [Fact]
    public async Task InitAndItemCommands_WithPostgres_KeepTheProjectInThatDatabase()
    {
        var server = await PostgresServer.GetAsync();
        using var timeout = new CancellationTokenSource(Cli.Timeout);
        var database = await server.CreateDatabaseAsync("wilson_cli", timeout.Token);
        using var repository = await TempGitRepository.CreateAsync();
        var viaVariable = new Dictionary<string, string> { ["WILSON_DATABASE"] = database };

        var init = await Cli.RunAsync(repository.Path, "init", "--name", "shop", "--db", database);
        var add = await Cli.RunWithAsync(repository.Path, viaVariable, "item", "add", "Shared", "-c", "x");
        var list = await Cli.RunWithAsync(repository.Path, viaVariable, "item", "list", "--json");
        var sqliteFileExisted = File.Exists(repository.Combine(".wilson", "wilson.db"));
        var sqliteList = await Cli.RunAsync(repository.Path, "item", "list", "--json");

        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.Contains("database PostgreSQL 127.0.0.1:", init.Stdout, StringComparison.Ordinal);
        Assert.Contains("other commands use it when given --db, $WILSON_DATABASE", init.Stdout, StringComparison.Ordinal);
        Assert.False(sqliteFileExisted);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal("T-1 created (Ready, stage plan)", add.Stdout.Trim());
        using var items = JsonDocument.Parse(list.Stdout);
        Assert.Equal("Shared", Assert.Single(items.RootElement.EnumerateArray()).GetProperty("title").GetString());
        Assert.Equal("[]", sqliteList.Stdout.Trim());
    }
}
