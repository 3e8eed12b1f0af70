using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Wilson.Core.Configuration;
using Wilson.Llm.Providers;
using Wilson.Llm.Routing;
using Wilson.Testing.Models;

namespace Wilson.Llm.Tests.Providers;

/// <summary>
/// Every call carries a limit on its answer, on every protocol: the model's <c>max_output_tokens</c> from wilson.yaml
/// (4096 when not set), unless the call's own options give one. Read off the wire of the fake model server.
/// </summary>
public sealed class MaxOutputTokensTests : IAsyncLifetime
{
    private const string KeyVariable = "FAKE_LIMIT_KEY";

    private readonly ChatClientFactory _factory = new(name => name == KeyVariable ? "sk-limit" : null, TimeProvider.System);
    private FakeModelServer _server = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Turns.Add(new ScriptedTurn { Text = "short" });
        _server = await FakeModelServer.StartAsync(script);
    }

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        await _server.DisposeAsync();
    }

    public static TheoryData<string> Protocols => ["ollama", "openai", "anthropic"];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Call_ModelWithMaxOutputTokens_SendsItAsTheProtocolsLimit(string protocol)
    {
        var sent = await SentAsync(protocol, "      max_output_tokens: 1234\n", options: null);

        Assert.Equal(1234, Limit(protocol, sent));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Call_ModelWithoutMaxOutputTokens_SendsTheDefault(string protocol)
    {
        var sent = await SentAsync(protocol, "", options: null);

        Assert.Equal(ModelConfig.DefaultMaxOutputTokens, Limit(protocol, sent));
        Assert.Equal(4096, Limit(protocol, sent));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Call_WithItsOwnLimit_SendsThatInstead(string protocol)
    {
        var sent = await SentAsync(protocol, "      max_output_tokens: 1234\n", new ChatOptions { MaxOutputTokens = 50 });

        Assert.Equal(50, Limit(protocol, sent));
    }

    [Fact]
    public async Task Call_OpenAi_SendsMaxTokensWhichLlamaCppAndVllmRead_NotMaxCompletionTokens()
    {
        var sent = await SentAsync("openai", "", new ChatOptions { MaxOutputTokens = 50 });

        Assert.Null(sent["max_completion_tokens"]);
        Assert.Equal(50, (int)sent["max_tokens"]!);
    }

    // The settings come from the model's configuration as the router's client cache builds them.
    private async Task<JsonNode> SentAsync(string protocol, string modelSettings, ChatOptions? options)
    {
        var url = protocol == "openai" ? $"{_server.BaseUri}v1" : _server.BaseUri.ToString();
        var key = protocol == "ollama" ? "" : $"\n      api_key_env: {KeyVariable}\n      cloud: true";
        var catalog = ModelCatalog.From(ProjectConfigFile.Parse("wilson.yaml", $"""
            project:
              name: shop
            models:
              endpoints:
                server:
                  protocol: {protocol}
                  url: {url}{key}
              models:
                {FakeModelScript.DefaultModelName}:
                  endpoint: server
            {modelSettings}
            """).Models, _ => null);
        var model = catalog.Models[FakeModelScript.DefaultModelName];
        using var client = _factory.Create(model.Endpoint, model.Name, ChatClientCache.SettingsOf(model));

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], options);

        return JsonNode.Parse(_server.Requests[^1].Body)!;
    }

    private static int Limit(string protocol, JsonNode sent) =>
        protocol == "ollama" ? (int)sent["options"]!["num_predict"]! : (int)sent["max_tokens"]!;
}
