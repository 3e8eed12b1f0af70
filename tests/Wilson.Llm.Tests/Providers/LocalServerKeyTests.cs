using Microsoft.Extensions.AI;
using Wilson.Llm.Providers;
using Wilson.Testing.Models;

namespace Wilson.Llm.Tests.Providers;

/// <summary>
/// A server on this machine (llama.cpp, LM Studio, vLLM) is called without a key when wilson.yaml names none;
/// one elsewhere still needs its key. Against the fake model server, which listens on 127.0.0.1.
/// </summary>
public sealed class LocalServerKeyTests : IAsyncLifetime
{
    private readonly ChatClientFactory _factory = new(_ => null, TimeProvider.System);
    private FakeModelServer _server = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Turns.Add(new ScriptedTurn { Text = "hello from this machine" });
        _server = await FakeModelServer.StartAsync(script);
    }

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(ModelProtocol.OpenAi, "authorization")]
    [InlineData(ModelProtocol.Anthropic, "x-api-key")]
    public async Task Create_LoopbackEndpointWithoutApiKeyEnv_CallsWithoutAKey(ModelProtocol protocol, string keyHeader)
    {
        using var client = _factory.Create(Local(protocol), FakeModelScript.DefaultModelName);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("hello from this machine", response.Text);
        var sent = _server.Requests[^1];
        Assert.Equal(protocol == ModelProtocol.OpenAi ? "/v1/chat/completions" : "/v1/messages", sent.Path);
        Assert.False(sent.Headers.ContainsKey(keyHeader), $"{keyHeader} was sent: {sent.Headers.GetValueOrDefault(keyHeader)}");
    }

    [Theory]
    [InlineData(ModelProtocol.OpenAi)]
    [InlineData(ModelProtocol.Anthropic)]
    public async Task Create_LoopbackServerThatWantsAKey_SaysToSetApiKeyEnv(ModelProtocol protocol)
    {
        _server.RequiredApiKey = "sk-local-server";
        using var client = _factory.Create(Local(protocol), FakeModelScript.DefaultModelName);

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(ModelErrorKind.Unauthorized, error.Kind);
        Assert.Equal(
            "llamacpp refused the request without a key (401): it needs a key; set models.endpoints.llamacpp.api_key_env in wilson.yaml to the environment variable holding it, and export that variable",
            error.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/v1")]
    [InlineData("http://localhost:8080/v1")]
    [InlineData("http://[::1]:8080/v1")]
    public void Create_AnyLoopbackAddress_NeedsNoKey(string url)
    {
        using var client = _factory.Create(Local(ModelProtocol.OpenAi) with { BaseUrl = new Uri(url) }, "local-model");

        Assert.NotNull(client);
    }

    [Theory]
    [InlineData(ModelProtocol.OpenAi, "http://10.0.0.5:8080/v1")]
    [InlineData(ModelProtocol.OpenAi, "https://api.openai.com/v1")]
    [InlineData(ModelProtocol.Anthropic, "https://api.anthropic.com")]
    public void Create_RemoteEndpointWithoutApiKeyEnv_IsRefusedNamingTheSetting(ModelProtocol protocol, string url)
    {
        var error = Assert.Throws<ModelCallException>(() => _factory.Create(Local(protocol) with { Name = "remote", BaseUrl = new Uri(url) }, "m"));

        Assert.Equal(ModelErrorKind.Unauthorized, error.Kind);
        Assert.Equal("remote needs a key: name its environment variable in wilson.yaml (api_key_env) and set it", error.Message);
    }

    private ModelEndpoint Local(ModelProtocol protocol) => new()
    {
        Name = "llamacpp",
        Protocol = protocol,
        BaseUrl = protocol == ModelProtocol.OpenAi ? new Uri(_server.BaseUri, "v1/") : _server.BaseUri,
        RequestTimeout = TimeSpan.FromSeconds(10),
    };
}
