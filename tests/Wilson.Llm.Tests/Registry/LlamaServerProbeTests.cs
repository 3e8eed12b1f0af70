using Wilson.Llm.Providers.Ollama;
using Wilson.Llm.Registry;
using Wilson.Testing.Models;

namespace Wilson.Llm.Tests.Registry;

/// <summary>What a check learns of a server's context window: llama.cpp's <c>/props</c>, Ollama's <c>/api/show</c> and <c>/api/ps</c>.</summary>
public sealed class LlamaServerProbeTests : IAsyncLifetime
{
    private const string KeyVariable = "LLAMA_SERVER_KEY";

    private readonly HttpClient _http = new();
    private readonly LlamaServerStub _llama = LlamaServerStub.Start();
    private FakeModelServer _ollama = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.AddRange([new FakeModel("coder:7b", ContextLength: 32768), new FakeModel("chat:3b", ContextLength: 131072)]);
        _ollama = await FakeModelServer.StartAsync(script);
    }

    public async Task DisposeAsync()
    {
        await _llama.DisposeAsync();
        await _ollama.DisposeAsync();
        _http.Dispose();
    }

    private EndpointProbe Probe() => new(_http, name => name == KeyVariable ? "sk-llama" : null, TimeProvider.System);

    private ModelEndpoint Llama() => new() { Name = "llamacpp", Protocol = ModelProtocol.OpenAi, BaseUrl = new Uri(_llama.BaseUri, "v1/") };

    [Fact]
    public async Task ProbeAsync_LlamaServer_ReadsItsContextAndSlotsAndCountsItsModelLoaded()
    {
        _llama.Slots = 4;

        var status = await Probe().ProbeAsync(Llama(), CancellationToken.None);

        Assert.True(status.Healthy, status.LastError);
        Assert.Equal(new(8192, 4), status.LlamaServer);
        Assert.True(status.Has("local-model"));
        Assert.True(status.IsLoaded("local-model"));
        Assert.Equal(8192, status.ContextLengthOf("local-model"));
    }

    [Fact]
    public async Task ProbeAsync_OpenAiServerWithoutProps_IsHealthyAndNotLlamaCpp()
    {
        _llama.ContextLength = null;

        var status = await Probe().ProbeAsync(Llama(), CancellationToken.None);

        Assert.True(status.Healthy, status.LastError);
        Assert.Null(status.LlamaServer);
        Assert.Empty(status.Loaded);
        Assert.Null(status.ContextLengthOf("local-model"));
    }

    [Fact]
    public async Task ProbeAsync_CloudEndpoint_IsNotAskedForProps()
    {
        var status = await Probe().ProbeAsync(Llama() with { Cloud = true }, CancellationToken.None);

        Assert.True(status.Healthy, status.LastError);
        Assert.Null(status.LlamaServer);
        Assert.DoesNotContain(_llama.Requests, r => r.Path == "/props");
    }

    [Fact]
    public async Task ProbeAsync_LlamaServerWithAKey_SendsItToPropsToo()
    {
        await Probe().ProbeAsync(Llama() with { ApiKeyEnv = KeyVariable }, CancellationToken.None);

        Assert.Equal("Bearer sk-llama", _llama.Requests.Single(r => r.Path == "/props").Authorization);
    }

    [Fact]
    public async Task ProbeAsync_Ollama_AsksEachModelsContextOnceAndReadsTheLoadedOnesFromPs()
    {
        var probe = Probe();
        var endpoint = new ModelEndpoint { Name = "local", Protocol = ModelProtocol.Ollama, BaseUrl = _ollama.BaseUri };
        await new OllamaApi(_http, endpoint).LoadAsync("chat:3b", TimeSpan.FromMinutes(5), CancellationToken.None);

        var first = await probe.ProbeAsync(endpoint, CancellationToken.None);
        var second = await probe.ProbeAsync(endpoint, CancellationToken.None);

        Assert.Equal(32768, first.ContextLengthOf("coder:7b"));
        Assert.Equal(131072, first.ContextLengthOf("chat:3b"));
        Assert.Equal(("chat:3b", 131072), (second.Loaded.Single().Name, second.Loaded.Single().ContextLength));
        Assert.Equal(32768, second.ContextLengthOf("coder:7b"));
        Assert.Equal(2, _ollama.Requests.Count(r => r.Path == "/api/show"));
    }
}
