using System.Text.Json;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Cli.Tests;

/// <summary><c>wilson models</c> and <c>wilson doctor</c> against a fake Ollama (and Anthropic) server.</summary>
public sealed class ModelsCommandTests : IAsyncLifetime
{
    private const long GB = 1L << 30;
    private const string Key = "sk-ant-doctor-secret-0042";

    private FakeModelServer _server = null!;
    private TempGitRepository _repository = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.AddRange([new FakeModel("llama3.2:3b", 2 * GB), new FakeModel("qwen2.5-coder:7b", 5 * GB), new FakeModel("claude-sonnet-4-5", 0)]);
        _server = await FakeModelServer.StartAsync(script);
        _repository = await TempGitRepository.CreateInitialisedAsync("--profile", "mid");
        PointModelsAt(_server.BaseUri.ToString());
    }

    public async Task DisposeAsync()
    {
        _repository.Dispose();
        await _server.DisposeAsync();
    }

    private string ConfigFile => _repository.Combine(".wilson", "wilson.yaml");

    private void PointModelsAt(string url) =>
        File.WriteAllText(ConfigFile, File.ReadAllText(ConfigFile).Replace("url: \"\"", $"url: {url}", StringComparison.Ordinal));

    private static Dictionary<string, string> NoKeys => new() { ["ANTHROPIC_API_KEY"] = "", ["OLLAMA_HOST"] = "" };

    private Task<CliRun> RunAsync(params string[] args) => Cli.RunWithAsync(_repository.Path, NoKeys, args);

    [Fact]
    public async Task Models_ShowsEachPurposesModelWarmOrColdAndWhereItRoutes()
    {
        await RunAsync("models", "warm", "llama3.2:3b");

        var run = await RunAsync("models", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var endpoint = json.RootElement.GetProperty("endpoints")[0];
        Assert.Equal(("local", true), (endpoint.GetProperty("name").GetString(), endpoint.GetProperty("healthy").GetBoolean()));
        var purposes = json.RootElement.GetProperty("purposes").EnumerateArray().ToDictionary(p => p.GetProperty("purpose").GetString()!);
        Assert.Equal("warm", purposes["chat"].GetProperty("models")[0].GetProperty("state").GetString());
        Assert.Equal("cold", purposes["code"].GetProperty("models")[0].GetProperty("state").GetString());
        Assert.Equal("code -> qwen2.5-coder:7b on local: cold, tier standard", purposes["code"].GetProperty("route").GetString());
    }

    [Fact]
    public async Task Models_WithAnOpenAiServerOnThisMachine_RoutesToItAsLocalNotCloud()
    {
        _server.Script.AddModel(new FakeModel("local-model", 0));
        using var repository = await TempGitRepository.CreateInitialisedAsync("--profile", "llama-cpp");
        var config = repository.Combine(".wilson", "wilson.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("url: http://127.0.0.1:8080/v1", $"url: {_server.BaseUri}v1", StringComparison.Ordinal));

        var run = await Cli.RunWithAsync(repository.Path, NoKeys, "models", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var purposes = json.RootElement.GetProperty("purposes").EnumerateArray().ToDictionary(p => p.GetProperty("purpose").GetString()!);
        Assert.Equal("code -> local-model on llamacpp: cold, tier standard", purposes["code"].GetProperty("route").GetString());
        Assert.Equal("cold", purposes["code"].GetProperty("models")[0].GetProperty("state").GetString());
        Assert.DoesNotContain(_server.Requests, r => r.Headers.ContainsKey("authorization"));
    }

    [Fact]
    public async Task Models_WithOllamaDown_SaysSoForTheEndpointAndEveryModel()
    {
        File.WriteAllText(ConfigFile, File.ReadAllText(ConfigFile).Replace($"url: {_server.BaseUri}", $"url: http://127.0.0.1:{Ports.Closed()}/", StringComparison.Ordinal));

        var run = await RunAsync("models");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("is Ollama running?", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("endpoint down", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsWarmAndUnload_LoadAndFreeTheModelOnOllama()
    {
        var warm = await RunAsync("models", "warm", "qwen2.5-coder:7b");
        Assert.True(warm.ExitCode == 0, warm.ToString());
        Assert.Contains("qwen2.5-coder:7b", _server.LoadedModels);
        Assert.Contains("unloads after 5m idle", warm.Stdout, StringComparison.Ordinal);

        var unload = await RunAsync("models", "unload", "qwen2.5-coder:7b");

        Assert.True(unload.ExitCode == 0, unload.ToString());
        Assert.DoesNotContain("qwen2.5-coder:7b", _server.LoadedModels);
    }

    [Fact]
    public async Task ModelsWarm_UnknownModel_SuggestsTheClosest()
    {
        var run = await RunAsync("models", "warm", "qwen2.5-coder:7");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: no model 'qwen2.5-coder:7' in wilson.yaml (did you mean 'qwen2.5-coder:7b'?)", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_WithEverythingInPlace_PassesEveryCheck()
    {
        var run = await RunAsync("doctor", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.True(json.RootElement.GetProperty("healthy").GetBoolean());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("result").GetString());
        Assert.Equal("ok", checks["git"]);
        Assert.Equal("ok", checks["settings"]);
        Assert.Equal("ok", checks["database"]);
        Assert.Equal("ok", checks["endpoint local"]);
        Assert.Equal("ok", checks["model qwen2.5-coder:7b"]);
    }

    [Fact]
    public async Task Doctor_WithNoOllamaRunning_SaysSoPlainlyAndFails()
    {
        File.WriteAllText(ConfigFile, File.ReadAllText(ConfigFile).Replace($"url: {_server.BaseUri}", $"url: http://127.0.0.1:{Ports.Closed()}/", StringComparison.Ordinal));

        var run = await RunAsync("doctor");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Ollama is not running at http://127.0.0.1:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("ollama serve", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_WithAModelNotPulled_SaysHowToPullIt()
    {
        File.WriteAllText(ConfigFile, File.ReadAllText(ConfigFile).Replace("qwen2.5-coder:7b", "qwen2.5-coder:14b", StringComparison.Ordinal));

        var run = await RunAsync("doctor", "--json");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var check = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "model qwen2.5-coder:14b");
        Assert.Equal(("fail", "ollama pull qwen2.5-coder:14b"), (check.GetProperty("result").GetString(), check.GetProperty("fix").GetString()));
    }

    [Fact]
    public async Task Doctor_WithACloudKeyMissing_SaysWhichVariableToSet_AndNeverPrintsAKey()
    {
        using var repository = await TempGitRepository.CreateInitialisedAsync("--profile", "cloud");
        var config = repository.Combine(".wilson", "wilson.yaml");
        File.WriteAllText(config, File.ReadAllText(config)
            .Replace("url: \"\"", $"url: {_server.BaseUri}", StringComparison.Ordinal)
            .Replace("url: https://api.anthropic.com", $"url: {_server.BaseUri}", StringComparison.Ordinal));

        var missing = await Cli.RunWithAsync(repository.Path, NoKeys, "doctor");
        _server.RequiredApiKey = Key;
        var present = await Cli.RunWithAsync(repository.Path, new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = Key }, "doctor", "--json");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("export ANTHROPIC_API_KEY=...", missing.Stdout, StringComparison.Ordinal);
        Assert.True(present.ExitCode == 0, present.ToString());
        Assert.Contains("ANTHROPIC_API_KEY is set", present.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, present.Stdout + present.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_WithABadSetting_NamesTheLineToFix()
    {
        File.AppendAllText(ConfigFile, "\nmodles: {}\n");

        var run = await RunAsync("doctor", "--json");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var settings = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "settings");
        Assert.Contains("did you mean 'models'", settings.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("edit .wilson/wilson.yaml at line", settings.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_WithTheDatabaseUnreachable_SaysWhatToCheck()
    {
        var run = await Cli.RunWithAsync(_repository.Path, NoKeys, "doctor", "--json", "--db", $"Host=127.0.0.1;Port={Ports.Closed()};Username=nobody;Database=none;Timeout=2");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var database = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");
        Assert.Equal("fail", database.GetProperty("result").GetString());
        Assert.StartsWith("check that PostgreSQL runs", database.GetProperty("fix").GetString(), StringComparison.Ordinal);
        // The other checks still ran.
        Assert.Contains(json.RootElement.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "endpoint local");
    }

    [Fact]
    public async Task Doctor_OutsideAProject_SaysToRunInit()
    {
        using var directory = new Wilson.Testing.TempDirectory("wilson-doctor");

        var run = await Cli.RunAsync(directory.Path, "doctor");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("wilson init", run.Stdout, StringComparison.Ordinal);
    }
}
