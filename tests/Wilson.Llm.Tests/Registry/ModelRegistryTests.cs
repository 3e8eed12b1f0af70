using Microsoft.Extensions.Time.Testing;
using Wilson.Llm.Registry;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Llm.Tests.Registry;

public sealed class ModelRegistryTests : IAsyncLifetime
{
    private const long GB = 1L << 30;
    private const string KeyVariable = "FAKE_REGISTRY_KEY";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly RecordingEventSink _events = new();
    private readonly HttpClient _http = new();
    private FakeModelServer _server = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.AddRange([new FakeModel("coder:7b", 6 * GB), new FakeModel("chat:3b", 3 * GB)]);
        _server = await FakeModelServer.StartAsync(script, _time);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    private ModelEndpoint Ollama(Uri? at = null) => new() { Name = "local", Protocol = ModelProtocol.Ollama, BaseUrl = at ?? _server.BaseUri };

    private ModelRegistry Registry(params ModelEndpoint[] endpoints) =>
        new(endpoints, new EndpointProbe(_http, name => name == KeyVariable ? "sk-registry" : null, _time), _events, _time);

    [Fact]
    public async Task A_check_finds_the_pulled_models_with_their_sizes_and_reports_the_endpoint_up()
    {
        await using var registry = Registry(Ollama());

        await registry.RefreshAsync(CancellationToken.None);

        var status = registry.StatusOf("local")!;
        Assert.True(status.Healthy);
        Assert.NotNull(status.Latency);
        Assert.NotNull(status.Version);
        Assert.Equal(6 * GB, status.Pulled.Single(m => m.Name == "coder:7b").SizeBytes);
        Assert.Empty(status.Loaded);
        var up = Assert.Single(_events.OfType(ModelEvent.EndpointUp));
        Assert.StartsWith("local is up", up.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_loaded_and_then_expired_is_reported_both_times()
    {
        await using var registry = Registry(Ollama());
        await registry.RefreshAsync(CancellationToken.None);

        await new Wilson.Llm.Providers.Ollama.OllamaApi(_http, Ollama()).LoadAsync("coder:7b", TimeSpan.FromMinutes(5), CancellationToken.None);
        await registry.RefreshAsync(CancellationToken.None);

        var loaded = registry.StatusOf("local")!.Loaded.Single();
        Assert.Equal(("coder:7b", 6 * GB), (loaded.Name, loaded.VramBytes));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(5), loaded.ExpiresAt);
        Assert.Single(_events.OfType(ModelEvent.Loaded), e => e.Model == "coder:7b");

        _time.Advance(TimeSpan.FromMinutes(6));
        await registry.RefreshAsync(CancellationToken.None);

        Assert.Empty(registry.StatusOf("local")!.Loaded);
        Assert.Single(_events.OfType(ModelEvent.Unloaded), e => e.Model == "coder:7b");
    }

    [Fact]
    public async Task An_endpoint_that_is_down_is_reported_with_what_to_do()
    {
        await using var registry = Registry(Ollama(), Ollama(new Uri($"http://127.0.0.1:{Ports.Closed()}/")) with { Name = "gpu-box" });

        await registry.RefreshAsync(CancellationToken.None);

        Assert.True(registry.StatusOf("local")!.Healthy);
        var down = registry.StatusOf("gpu-box")!;
        Assert.False(down.Healthy);
        Assert.Contains("is Ollama running?", down.LastError, StringComparison.Ordinal);
        Assert.Single(_events.OfType(ModelEvent.EndpointDown), e => e.Endpoint == "gpu-box");
        Assert.Equal(["local", "gpu-box"], registry.Statuses.Select(s => s.Name));
    }

    [Fact]
    public async Task The_timer_checks_again_after_each_interval()
    {
        var probe = new CountingProbe(new EndpointProbe(_http, _ => null, _time));
        await using var registry = new ModelRegistry([Ollama()], probe, _events, _time);

        registry.Start(TimeSpan.FromSeconds(30));
        await Eventually.True(() => registry.StatusOf("local") is not null, "the first check finished");
        var first = registry.StatusOf("local")!.CheckedAt;
        // The fake clock runs a due timer inside Advance, so a check would have begun by the time it returns.
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, probe.Calls);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, probe.Calls);
        await Eventually.True(() => registry.StatusOf("local")!.CheckedAt > first, "the second check finished");
        Assert.Equal(2, VersionChecks());
        // Nothing changed between the two checks: one event in all.
        Assert.Single(_events.Events);
    }

    [Fact]
    public async Task An_openai_compatible_endpoint_lists_its_models_with_the_key()
    {
        _server.RequiredApiKey = "sk-registry";
        await using var registry = Registry(new ModelEndpoint
        {
            Name = "groq", Protocol = ModelProtocol.OpenAi, BaseUrl = new Uri(_server.BaseUri, "v1/"), ApiKeyEnv = KeyVariable,
        });

        await registry.RefreshAsync(CancellationToken.None);

        var status = registry.StatusOf("groq")!;
        Assert.True(status.Healthy, status.LastError);
        Assert.True(status.Has("coder:7b"));
    }

    [Fact]
    public async Task A_refused_key_is_reported_naming_its_variable()
    {
        _server.RequiredApiKey = "sk-another";
        await using var registry = Registry(new ModelEndpoint
        {
            Name = "groq", Protocol = ModelProtocol.OpenAi, BaseUrl = new Uri(_server.BaseUri, "v1/"), ApiKeyEnv = KeyVariable,
        });

        await registry.RefreshAsync(CancellationToken.None);

        var status = registry.StatusOf("groq")!;
        Assert.False(status.Healthy);
        Assert.Equal($"the key was refused (401): check {KeyVariable}", status.LastError);
    }

    private int VersionChecks() => _server.Requests.Count(r => r.Path == "/api/version");

    /// <summary>The real probe, counting the checks as they begin.</summary>
    private sealed class CountingProbe(IEndpointProbe inner) : IEndpointProbe
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<EndpointStatus> ProbeAsync(ModelEndpoint endpoint, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return inner.ProbeAsync(endpoint, cancellationToken);
        }
    }
}
