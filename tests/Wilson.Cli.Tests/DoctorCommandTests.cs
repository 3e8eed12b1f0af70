using System.Text.Json;
using Wilson.Testing.Models;

namespace Wilson.Cli.Tests;

/// <summary><c>wilson doctor</c> against llama.cpp's llama-server (a stand-in that answers what doctor reads of it).</summary>
public sealed class DoctorCommandTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> NoKeys = new() { ["OLLAMA_HOST"] = "" };

    private readonly LlamaServerStub _server = LlamaServerStub.Start();
    private TempGitRepository _repository = null!;

    public async Task InitializeAsync()
    {
        _repository = await TempGitRepository.CreateInitialisedAsync("--profile", "llama-cpp");
        Edit("url: http://127.0.0.1:8080/v1", $"url: {_server.BaseUri}v1");
    }

    public async Task DisposeAsync()
    {
        _repository.Dispose();
        await _server.DisposeAsync();
    }

    private string ServerUrl => $"{_server.BaseUri}v1/";

    private void Edit(string text, string replacement)
    {
        var file = _repository.Combine(".wilson", "wilson.yaml");
        var before = File.ReadAllText(file);
        Assert.Contains(text, before, StringComparison.Ordinal);
        File.WriteAllText(file, before.Replace(text, replacement, StringComparison.Ordinal));
    }

    private async Task<(CliRun Run, Dictionary<string, JsonElement> Checks)> DoctorAsync()
    {
        var run = await Cli.RunWithAsync(_repository.Path, NoKeys, "doctor", "--json");
        using var json = JsonDocument.Parse(run.Stdout);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
        return (run, checks);
    }

    private static string Result(JsonElement check) => check.GetProperty("result").GetString()!;

    private static string Detail(JsonElement check) => check.GetProperty("detail").GetString()!;

    [Fact]
    public async Task Doctor_LlamaServerServingTheModelWithEnoughContext_PassesWithoutAKey()
    {
        var (run, checks) = await DoctorAsync();

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("ok", Result(checks["endpoint llamacpp"]));
        Assert.Contains("(llama.cpp: 8192 tokens of context, 1 slot)", Detail(checks["endpoint llamacpp"]), StringComparison.Ordinal);
        Assert.Equal("ok", Result(checks["model local-model"]));
        Assert.Equal(("ok", "num_ctx 8192 fits the 8192 tokens of context llamacpp serves"), (Result(checks["context local-model"]), Detail(checks["context local-model"])));
        Assert.Equal("ok", Result(checks["slots llamacpp"]));
        Assert.DoesNotContain(checks.Keys, name => name.StartsWith("key ", StringComparison.Ordinal));
        Assert.All(_server.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task Doctor_NumCtxLargerThanTheServersContext_FailsNamingBothNumbers()
    {
        Edit("num_ctx: 8192", "num_ctx: 16384");

        var (run, checks) = await DoctorAsync();

        Assert.Equal(1, run.ExitCode);
        var context = checks["context local-model"];
        Assert.Equal("fail", Result(context));
        Assert.Equal(
            $"models.models.local-model.num_ctx is 16384 but the server at {ServerUrl} serves 8192 tokens of context: lower num_ctx or start llama-server with -c 16384",
            Detail(context));
        Assert.Equal("lower num_ctx to 8192, or restart llama-server with -c 16384", context.GetProperty("fix").GetString());
    }

    [Fact]
    public async Task Doctor_FewerSlotsThanCallsAtOnce_WarnsAndStaysHealthy()
    {
        Edit("max_concurrency: 1", "max_concurrency: 2");

        var (run, checks) = await DoctorAsync();

        Assert.True(run.ExitCode == 0, run.ToString());
        var slots = checks["slots llamacpp"];
        Assert.Equal("warn", Result(slots));
        Assert.Equal($"llama-server at {ServerUrl} has 1 slot but its models may take 2 calls at once (max_concurrency): the others wait", Detail(slots));
        Assert.Equal("start llama-server with --parallel 2, or lower max_concurrency", slots.GetProperty("fix").GetString());
    }

    [Fact]
    public async Task Doctor_OpenAiCompatibleServerThatIsNotLlamaCpp_IsNoError()
    {
        _server.ContextLength = null;

        var (run, checks) = await DoctorAsync();

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("ok", Result(checks["endpoint llamacpp"]));
        Assert.Equal("ok", Result(checks["model local-model"]));
        Assert.False(checks.ContainsKey("context local-model"));
        Assert.False(checks.ContainsKey("slots llamacpp"));
    }

    [Fact]
    public async Task Doctor_LlamaServerStartedWithoutTheAlias_SaysToStartItWithOne()
    {
        _server.Alias = "qwen2.5-coder-7b-instruct-q4_k_m.gguf";

        var (run, checks) = await DoctorAsync();

        Assert.Equal(1, run.ExitCode);
        var model = checks["model local-model"];
        Assert.Equal(("fail", "not served by llamacpp, which serves qwen2.5-coder-7b-instruct-q4_k_m.gguf"), (Result(model), Detail(model)));
        Assert.StartsWith("start llama-server with --alias local-model", model.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_LlamaServerNotRunning_SaysHowToStartIt()
    {
        await _server.DisposeAsync();

        var (run, checks) = await DoctorAsync();

        Assert.Equal(1, run.ExitCode);
        var endpoint = checks["endpoint llamacpp"];
        Assert.Equal($"{ServerUrl}: nothing answers at {ServerUrl}", Detail(endpoint));
        Assert.StartsWith("start the server (llama.cpp: `llama-server -m MODEL.gguf --jinja --alias MODEL-NAME --port ", endpoint.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.False(checks.ContainsKey("context local-model"));
    }
}
