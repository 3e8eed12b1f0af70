using Wilson.Core.Configuration;
using Wilson.Llm.Registry;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Llm.Tests.Registry;

/// <summary>
/// The context window a call for a purpose can count on: each model's configured num_ctx first, else what its
/// endpoint reported (Ollama's <c>/api/show</c>, llama.cpp's <c>/props</c>), and the smallest of the purpose's models.
/// </summary>
public sealed class ContextWindowsTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private readonly LlamaServerStub _llama = LlamaServerStub.Start();
    private FakeModelServer _ollama = null!;
    private ModelCatalog _catalog = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.AddRange([new FakeModel("coder:7b", ContextLength: 32768), new FakeModel("general:7b", ContextLength: 32768)]);
        _ollama = await FakeModelServer.StartAsync(script);
        _catalog = ModelCatalog.From(ProjectConfigFile.Parse("wilson.yaml", $"""
            project:
              name: shop
            models:
              endpoints:
                local:
                  protocol: ollama
                  url: {_ollama.BaseUri}
                llamacpp:
                  protocol: openai
                  url: {_llama.BaseUri}v1
                away:
                  protocol: openai
                  url: http://127.0.0.1:{Ports.Closed()}/v1
                  cloud: true
                  api_key_env: AWAY_KEY
              models:
                coder:7b:
                  endpoint: local
                  num_ctx: 16384
                general:7b:
                  endpoint: local
                local-model:
                  endpoint: llamacpp
                  num_ctx: 16384
                other-model:
                  endpoint: llamacpp
                gpt-x:
                  endpoint: away
              purposes:
                code: [coder:7b, general:7b]
                review: [general:7b, local-model]
                test: other-model
                plan: gpt-x
                docs: [gpt-x, coder:7b]
            """).Models, _ => null);
    }

    public async Task DisposeAsync()
    {
        await _llama.DisposeAsync();
        await _ollama.DisposeAsync();
        _http.Dispose();
    }

    private ModelRegistry Registry() => new(_catalog.Endpoints, new EndpointProbe(_http, _ => "sk-away", TimeProvider.System), NoModelEvents.Instance, TimeProvider.System);

    [Fact]
    public async Task Of_EachModel_ConfiguredFirstElseReportedAndNeverMoreThanAServerOwnsTo()
    {
        await using var registry = Registry();
        await registry.RefreshAsync(CancellationToken.None);
        var windows = new ContextWindows(_catalog, registry);

        // Ollama loads it with num_ctx, whatever the model could take.
        Assert.Equal(16384, windows.Of("coder:7b"));
        Assert.Equal(32768, windows.Of("general:7b"));
        // llama.cpp decides its own context: 8192 per slot, less than the setting.
        Assert.Equal(8192, windows.Of("local-model"));
        Assert.Equal(8192, windows.Of("other-model"));
        Assert.Null(windows.Of("gpt-x"));
    }

    [Theory]
    [InlineData("code", 16384)]
    [InlineData("review", 8192)]
    [InlineData("test", 8192)]
    [InlineData("plan", null)]
    [InlineData("docs", 16384)]
    [InlineData("security", null)]
    public async Task ForPurpose_AfterACheck_IsTheSmallestKnownWindowOfItsModels(string purpose, int? expected)
    {
        await using var registry = Registry();
        await registry.RefreshAsync(CancellationToken.None);

        Assert.Equal(expected, new ContextWindows(_catalog, registry).ForPurpose(purpose));
    }

    [Fact]
    public async Task ForPurpose_BeforeAnyCheck_KnowsOnlyTheConfiguredWindows()
    {
        await using var registry = Registry();
        var windows = new ContextWindows(_catalog, registry);

        Assert.Equal(16384, windows.ForPurpose("review"));
        Assert.Null(windows.ForPurpose("test"));
    }

    [Fact]
    public async Task ContextWindow_OnModelServices_IsThePurposesWindow()
    {
        using var directory = new TempDirectory("wilson-context");
        await using var store = await TestStores.OpenAsync(TestStores.NewSqlite(directory.Path), TimeProvider.System, CancellationToken.None);
        await using var services = new ModelServices(_catalog, store, NoModelEvents.Instance, TimeProvider.System, _ => "sk-away");

        await services.Registry.RefreshAsync(CancellationToken.None);

        Assert.Equal(8192, services.ContextWindow("review"));
        Assert.Equal(8192, services.ContextWindows.Of("local-model"));
    }
}
