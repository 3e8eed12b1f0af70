using Microsoft.Extensions.AI;
using Wilson.Core.Configuration;
using Wilson.Core.Items;
using Wilson.Llm.Lifecycle;
using Wilson.Llm.Providers;
using Wilson.Llm.Registry;
using Wilson.Llm.Routing;
using Wilson.Testing.Models;

namespace Wilson.Llm.Tests.Routing;

/// <summary>Routing, retries and fallback end to end: real providers against a fake server speaking Ollama and OpenAI.</summary>
public sealed class RoutedChatClientTests : IAsyncLifetime
{
    private const string KeyVariable = "FAKE_CLOUD_KEY";

    private readonly RecordingEventSink _events = new();
    private readonly HttpClient _http = new();
    private FakeModelServer _server = null!;
    private ModelCatalog _catalog = null!;
    private ChatClientFactory _factory = null!;
    private ChatClientCache _clients = null!;
    private ModelLifecycle _lifecycle = null!;
    private ModelRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.AddRange([new FakeModel("coder:7b", 1L << 30), new FakeModel("gpt-x", 1L << 30)]);
        script.Turns.Add(new ScriptedTurn { Model = "coder:7b", Text = "local answer" });
        script.Turns.Add(new ScriptedTurn { Model = "gpt-x", Text = "cloud answer" });
        _server = await FakeModelServer.StartAsync(script);
        _catalog = ModelCatalog.From(ProjectConfigFile.Parse("wilson.yaml", $"""
            project:
              name: shop
            models:
              endpoints:
                local:
                  protocol: ollama
                  url: {_server.BaseUri}
                cloud:
                  protocol: openai
                  url: {_server.BaseUri}v1
                  api_key_env: {KeyVariable}
                  # The fake server is on this machine; it stands for a cloud one here.
                  cloud: true
              models:
                coder:7b:
                  endpoint: local
                  size: 1GB
                gpt-x:
                  endpoint: cloud
              purposes:
                code: [coder:7b, gpt-x]
            """).Models, _ => null);
        _factory = new ChatClientFactory(name => name == KeyVariable ? "sk-cloud" : null, TimeProvider.System);
        _clients = new ChatClientCache(_factory);
        _lifecycle = new ModelLifecycle(_catalog.Models, _catalog.Purposes, 8L << 30, new EndpointModelHost(_http), _events, TimeProvider.System);
        _registry = new ModelRegistry(_catalog.Endpoints, new EndpointProbe(_http, _ => "sk-cloud", TimeProvider.System), _events, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _lifecycle.DisposeAsync();
        await _registry.DisposeAsync();
        _clients.Dispose();
        _factory.Dispose();
        await _server.DisposeAsync();
        _http.Dispose();
    }

    private RoutedChatClient Client(FallbackOptions? options = null, ComplexityTier tier = ComplexityTier.Standard)
    {
        var resilience = new EndpointResilience(options ?? Quick, TimeProvider.System, _events);
        return new RoutedChatClient("code", tier, new ModelRouter(_catalog), new ModelFactsSource(_catalog, _registry, _lifecycle, resilience),
            _lifecycle, _clients, resilience, _events);
    }

    private static FallbackOptions Quick => new() { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromSeconds(2) };

    private static List<ChatMessage> Ask => [new(ChatRole.User, "write the code")];

    [Fact]
    public async Task A_call_goes_to_the_preferred_model_and_says_which_and_why()
    {
        var response = await Client().GetResponseAsync(Ask);

        Assert.Equal("local answer", response.Text);
        Assert.Equal("coder:7b", response.AdditionalProperties?[RoutedChatClient.ModelKey]);
        Assert.Equal(false, response.AdditionalProperties?[RoutedChatClient.FallbackKey]);
        var routed = Assert.Single(_events.OfType(RoutedChatClient.RoutedEvent));
        Assert.Equal("code -> coder:7b on local: cold, tier standard", routed.Message);
        Assert.Equal((false, 0), (_lifecycle.StateOf("coder:7b").References > 0, _lifecycle.StateOf("coder:7b").References));
    }

    [Fact]
    public async Task A_model_that_is_missing_falls_back_to_the_next_and_is_marked_so()
    {
        _server.InjectFault(new FakeFault(FakeFaultKind.UnknownModel) { Model = "coder:7b" });

        var response = await Client().GetResponseAsync(Ask);

        Assert.Equal("cloud answer", response.Text);
        Assert.Equal("gpt-x", response.AdditionalProperties?[RoutedChatClient.ModelKey]);
        Assert.Equal(true, response.AdditionalProperties?[RoutedChatClient.FallbackKey]);
        var fallback = Assert.Single(_events.OfType(RoutedChatClient.FallbackEvent));
        Assert.Contains("coder:7b on local failed (ModelNotFound)", fallback.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transient_failure_is_retried_on_the_same_model()
    {
        _server.InjectFault(new FakeFault(FakeFaultKind.ServerError) { Model = "coder:7b", Path = "/api/chat", Times = 2 });

        var response = await Client().GetResponseAsync(Ask);

        Assert.Equal("local answer", response.Text);
        Assert.Equal(3, _server.Requests.Count(r => r.Path == "/api/chat"));
        Assert.Empty(_events.OfType(RoutedChatClient.FallbackEvent));
    }

    [Fact]
    public async Task A_wait_longer_than_accepted_moves_on_instead_of_waiting()
    {
        _server.InjectFault(new FakeFault(FakeFaultKind.TooManyRequests) { Model = "coder:7b", Path = "/api/chat", RetryAfter = TimeSpan.FromSeconds(30) });

        var response = await Client().GetResponseAsync(Ask);

        Assert.Equal("cloud answer", response.Text);
        Assert.Single(_server.Requests, r => r.Path == "/api/chat");
    }

    [Fact]
    public async Task Retry_after_is_honoured_when_it_is_short_enough()
    {
        _server.InjectFault(new FakeFault(FakeFaultKind.TooManyRequests) { Model = "coder:7b", Path = "/api/chat", RetryAfter = TimeSpan.FromSeconds(1) });
        var started = TimeProvider.System.GetTimestamp();

        var response = await Client().GetResponseAsync(Ask);

        Assert.Equal("local answer", response.Text);
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.9), "the retry came before the server's Retry-After");
    }

    [Fact]
    public async Task An_endpoint_that_keeps_failing_rests_and_calls_skip_it()
    {
        _server.InjectFault(new FakeFault(FakeFaultKind.ServerError) { Model = "coder:7b", Path = "/api/chat", Times = 100 });
        var client = Client(Quick with { MaxRetries = 1, BreakAfter = 2 });

        Assert.Equal("cloud answer", (await client.GetResponseAsync(Ask)).Text);
        var triedLocal = _server.Requests.Count(r => r.Path == "/api/chat");
        Assert.Equal("cloud answer", (await client.GetResponseAsync(Ask)).Text);

        Assert.Equal(2, triedLocal);
        Assert.Equal(triedLocal, _server.Requests.Count(r => r.Path == "/api/chat"));
        Assert.Contains(_events.OfType(ModelEvent.EndpointDown), e => e.Message.Contains("rests", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_every_model_fails_the_error_names_each_and_the_first_failure()
    {
        _server.InjectFault(new FakeFault(FakeFaultKind.UnknownModel) { Model = "coder:7b" });
        _server.InjectFault(new FakeFault(FakeFaultKind.Unauthorized) { Model = "gpt-x" });

        var error = await Assert.ThrowsAsync<ModelCallException>(() => Client().GetResponseAsync(Ask));

        Assert.Equal(ModelErrorKind.ModelNotFound, error.Kind);
        Assert.StartsWith("no model can take code now (coder:7b: failed already; gpt-x: failed already); the first failure:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_events.Events, e => e.Message.Contains("sk-cloud", StringComparison.Ordinal));
        Assert.Contains(_events.OfType(RoutedChatClient.FallbackEvent), e => e.Message.Contains("Unauthorized", StringComparison.Ordinal));
        Assert.Equal(0, _lifecycle.StateOf("coder:7b").References);
    }

    [Fact]
    public async Task Complex_work_goes_to_the_cloud_model_first()
    {
        var response = await Client(tier: ComplexityTier.Complex).GetResponseAsync(Ask);

        Assert.Equal("gpt-x", response.AdditionalProperties?[RoutedChatClient.ModelKey]);
    }

    [Fact]
    public async Task Trivial_work_never_calls_a_model()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Client(tier: ComplexityTier.Trivial).GetResponseAsync(Ask));

        Assert.Empty(_server.Requests);
    }
}
