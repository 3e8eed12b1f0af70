using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Wilson.Llm.Providers;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Llm.Tests.Providers;

/// <summary>
/// What every provider must do against a real server speaking its protocol: stream, call tools, report
/// usage, stop when cancelled, and turn every fault into a clear <see cref="ModelCallException"/> without the key.
/// </summary>
public abstract class ProviderConformanceTests : IAsyncLifetime
{
    protected const string Model = "fake-model";
    protected const string KeyVariable = "FAKE_PROVIDER_KEY";
    protected const string Secret = "sk-test-0123456789-do-not-leak";

    private static readonly AIFunctionDeclaration WeatherTool = AIFunctionFactory.CreateDeclaration(
        "get_weather", "The weather in a city", JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement);

    private ChatClientFactory _factory = null!;

    protected FakeModelServer Server { get; private set; } = null!;

    protected abstract ModelProtocol Protocol { get; }

    /// <summary>The protocol's base address on a server at <paramref name="root"/>.</summary>
    protected abstract Uri BaseUrlAt(Uri root);

    protected virtual string? SecretToRequire => Secret;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Turns.Add(new ScriptedTurn { WhenContains = "greet", Text = "Hello there from the fake model, streamed word by word." });
        script.Turns.Add(new ScriptedTurn { WhenContains = "weather", ToolCalls = [new ScriptedToolCall("get_weather", """{"city":"Paris"}""")] });
        script.Turns.Add(new ScriptedTurn { WhenContains = "sunny, 21", Text = "It is sunny in Paris." });
        script.Turns.Add(new ScriptedTurn { WhenContains = "count", Text = "one two three", InputTokens = 12, OutputTokens = 7 });
        Server = await FakeModelServer.StartAsync(script);
        Server.RequiredApiKey = SecretToRequire;
        _factory = new ChatClientFactory(name => name == KeyVariable ? Secret : null, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        await Server.DisposeAsync();
    }

    [Fact]
    public async Task Streams_the_answer_in_several_chunks()
    {
        using var client = Client();
        var updates = await ReadAllAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "please greet me")]));

        Assert.True(updates.Count(u => u.Text.Length > 0) > 3, $"expected the text in several chunks, got {updates.Count}");
        Assert.Equal("Hello there from the fake model, streamed word by word.", string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task Non_streaming_call_returns_the_whole_answer()
    {
        using var client = Client();
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "please greet me")]);

        Assert.Equal("Hello there from the fake model, streamed word by word.", response.Text);
    }

    [Fact]
    public async Task Tool_call_round_trip_carries_the_arguments_and_the_result()
    {
        using var client = Client();
        var options = new ChatOptions { Tools = [WeatherTool] };
        List<ChatMessage> conversation = [new(ChatRole.User, "what is the weather in Paris?")];

        var first = await client.GetResponseAsync(conversation, options);
        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);

        conversation.AddMessages(first);
        conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny, 21 degrees")]));
        var second = await client.GetResponseAsync(conversation, options);

        Assert.Equal("It is sunny in Paris.", second.Text);
        var sent = Server.Requests.Last(r => r.Model == Model).Body;
        Assert.Contains("sunny, 21 degrees", sent, StringComparison.Ordinal);
        Assert.Contains("get_weather", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_results_in_one_message_all_reach_the_model()
    {
        using var client = Client();
        var options = new ChatOptions { Tools = [WeatherTool] };
        List<ChatMessage> conversation = [new(ChatRole.User, "what is the weather in Paris?")];
        var first = await client.GetResponseAsync(conversation, options);
        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        conversation.AddMessages(first);
        conversation[^1].Contents.Add(new FunctionCallContent(call.CallId + "b", call.Name, new Dictionary<string, object?> { ["city"] = "Lyon" }));

        conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny in Paris"), new FunctionResultContent(call.CallId + "b", "rainy in Lyon")]));
        await client.GetResponseAsync(conversation, options);

        var sent = Server.Requests.Last(r => r.Model == Model).Body;
        Assert.Contains("sunny in Paris", sent, StringComparison.Ordinal);
        Assert.Contains("rainy in Lyon", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_is_reported()
    {
        using var client = Client();
        var response = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "count to three")]).ToChatResponseAsync();

        Assert.Equal(12, response.Usage?.InputTokenCount);
        Assert.Equal(7, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task Cancelling_mid_stream_stops_within_a_second()
    {
        Server.InjectFault(new FakeFault(FakeFaultKind.SlowStream) { Delay = TimeSpan.FromMilliseconds(300) });
        using var client = Client();
        using var cancel = new CancellationTokenSource();
        var stopwatch = Stopwatch.StartNew();

        var read = Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "please greet me")], null, cancel.Token))
            {
                if (update.Text.Length > 0)
                {
                    stopwatch.Restart();
                    await cancel.CancelAsync();
                }
            }
        });

        await read;
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed} to stop");
    }

    [Theory]
    [InlineData(FakeFaultKind.ServerError, ModelErrorKind.ServerError)]
    [InlineData(FakeFaultKind.MalformedMidStream, ModelErrorKind.MalformedResponse)]
    [InlineData(FakeFaultKind.DropConnection, ModelErrorKind.ConnectionLost)]
    [InlineData(FakeFaultKind.UnknownModel, ModelErrorKind.ModelNotFound)]
    [InlineData(FakeFaultKind.OutOfMemory, ModelErrorKind.OutOfMemory)]
    [InlineData(FakeFaultKind.Unauthorized, ModelErrorKind.Unauthorized)]
    public async Task A_fault_becomes_a_clear_error(FakeFaultKind fault, ModelErrorKind expected)
    {
        Server.InjectFault(new FakeFault(fault));
        using var client = Client();

        var error = await Assert.ThrowsAsync<ModelCallException>(() => ReadAllAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "please greet me")])));

        Assert.Equal(expected, error.Kind);
        Assert.Equal("fake", error.Endpoint);
        AssertNoSecret(error);
    }

    [Fact]
    public async Task Too_many_requests_carries_the_wait_the_server_asked_for()
    {
        Server.InjectFault(new FakeFault(FakeFaultKind.TooManyRequests) { RetryAfter = TimeSpan.FromSeconds(7) });
        using var client = Client();

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "please greet me")]));

        Assert.Equal(ModelErrorKind.RateLimited, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task A_hung_request_times_out_with_a_clear_message()
    {
        Server.InjectFault(new FakeFault(FakeFaultKind.Hang));
        using var client = Client(Endpoint() with { RequestTimeout = TimeSpan.FromMilliseconds(400) });

        var error = await Assert.ThrowsAsync<ModelCallException>(() => ReadAllAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "please greet me")])));

        Assert.Equal(ModelErrorKind.Timeout, error.Kind);
        Assert.Contains("sent nothing for 400 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_the_endpoint_does_not_have_is_not_found()
    {
        using var client = _factory.Create(Endpoint(), "no-such-model:7b");

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "please greet me")]));

        Assert.Equal(ModelErrorKind.ModelNotFound, error.Kind);
        Assert.Contains("no-such-model:7b", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_that_is_down_is_unreachable()
    {
        var closedPort = Ports.Closed();
        using var client = Client(Endpoint() with { BaseUrl = BaseUrlAt(new Uri($"http://127.0.0.1:{closedPort}/")) });

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "please greet me")]));

        Assert.Equal(ModelErrorKind.Unreachable, error.Kind);
        Assert.Contains("does not answer", error.Message, StringComparison.Ordinal);
    }

    protected ModelEndpoint Endpoint() => new()
    {
        Name = "fake",
        Protocol = Protocol,
        BaseUrl = BaseUrlAt(Server.BaseUri),
        ApiKeyEnv = Protocol == ModelProtocol.Ollama ? null : KeyVariable,
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    protected IChatClient Client(ModelEndpoint? endpoint = null) => _factory.Create(endpoint ?? Endpoint(), Model);

    protected static void AssertNoSecret(Exception error)
    {
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<ChatResponseUpdate>> ReadAllAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var all = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            all.Add(update);
        }

        return all;
    }
}
