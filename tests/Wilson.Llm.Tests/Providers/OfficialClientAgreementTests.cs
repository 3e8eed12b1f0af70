using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;
using Wilson.Llm.Providers;
using Wilson.Testing.Models;

namespace Wilson.Llm.Tests.Providers;

/// <summary>
/// Wilson's OpenAI-compatible and Anthropic clients read every answer as the official clients
/// (OpenAI through Microsoft.Extensions.AI.OpenAI, and the Anthropic package) read the same answer
/// from the same server: text, tool calls, usage and finish reason, streamed and not.
/// </summary>
public sealed class OfficialClientAgreementTests : IAsyncLifetime
{
    private const string Model = "fake-model";
    private const string Key = "sk-agreement-test";

    private static readonly AIFunctionDeclaration WeatherTool = AIFunctionFactory.CreateDeclaration(
        "get_weather", "The weather in a city", JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}""").RootElement);

    private readonly HttpClient _http = new();
    private FakeModelServer _server = null!;
    private ChatClientFactory _factory = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Turns.Add(new ScriptedTurn { WhenContains = "greet", Text = "Hello there from the fake model, streamed word by word.", InputTokens = 9, OutputTokens = 11 });
        script.Turns.Add(new ScriptedTurn
        {
            WhenContains = "weather",
            Text = "Let me look both up.",
            ToolCalls = [new ScriptedToolCall("get_weather", """{"city":"Paris","days":3}"""), new ScriptedToolCall("get_weather", """{"city":"Lyon","nested":{"a":[1,2]}}""")],
            InputTokens = 21,
            OutputTokens = 13,
        });
        script.Turns.Add(new ScriptedTurn { WhenContains = "rainy, 12", Text = "It is sunny in Paris and rainy in Lyon.", InputTokens = 40, OutputTokens = 10 });
        _server = await FakeModelServer.StartAsync(script);
        _server.RequiredApiKey = Key;
        _factory = new ChatClientFactory(_ => Key, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        _http.Dispose();
        await _server.DisposeAsync();
    }

    public static TheoryData<ModelProtocol, string, bool> Answers() => new()
    {
        { ModelProtocol.OpenAi, "please greet me", true },
        { ModelProtocol.OpenAi, "please greet me", false },
        { ModelProtocol.OpenAi, "what is the weather?", true },
        { ModelProtocol.OpenAi, "what is the weather?", false },
        { ModelProtocol.Anthropic, "please greet me", true },
        { ModelProtocol.Anthropic, "please greet me", false },
        { ModelProtocol.Anthropic, "what is the weather?", true },
        { ModelProtocol.Anthropic, "what is the weather?", false },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Wilson_reads_what_the_official_client_reads(ModelProtocol protocol, string question, bool streamed)
    {
        var options = new ChatOptions { Tools = [WeatherTool] };
        List<ChatMessage> conversation = [new(ChatRole.System, "You are terse."), new(ChatRole.User, question)];

        var ours = await AnswerAsync(Wilson(protocol), conversation, options, streamed);
        var theirs = await AnswerAsync(Official(protocol), conversation, options, streamed);

        Assert.Equal(theirs, ours);
        Assert.NotEmpty(ours.Text);
    }

    [Theory]
    [InlineData(ModelProtocol.OpenAi)]
    [InlineData(ModelProtocol.Anthropic)]
    public async Task A_tool_round_trip_written_by_Wilson_is_answered_as_the_official_clients_is(ModelProtocol protocol)
    {
        var options = new ChatOptions { Tools = [WeatherTool] };
        List<ChatMessage> conversation = [new(ChatRole.User, "what is the weather?")];
        var first = await Wilson(protocol).GetResponseAsync(conversation, options);
        var calls = first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        conversation.AddMessages(first);
        conversation.Add(new ChatMessage(ChatRole.Tool, [.. calls.Select((c, i) => (AIContent)new FunctionResultContent(c.CallId, i == 0 ? "sunny, 21 degrees" : "rainy, 12 degrees"))]));

        var ours = await AnswerAsync(Wilson(protocol), conversation, options, streamed: true);
        var oursSent = JsonDocument.Parse(_server.Requests[^1].Body);
        var theirs = await AnswerAsync(Official(protocol), conversation, options, streamed: true);
        var theirsSent = JsonDocument.Parse(_server.Requests[^1].Body);

        Assert.Equal(2, calls.Count);
        Assert.Equal("It is sunny in Paris and rainy in Lyon.", ours.Text);
        Assert.Equal(theirs, ours);
        // Both send the same conversation: the same messages, each with the same call ids and results.
        Assert.Equal(Conversation(protocol, theirsSent.RootElement), Conversation(protocol, oursSent.RootElement));
    }

    private IChatClient Wilson(ModelProtocol protocol) => _factory.Create(Endpoint(protocol), Model);

    private IChatClient Official(ModelProtocol protocol) => protocol == ModelProtocol.OpenAi
        ? new OpenAI.Chat.ChatClient(Model, new ApiKeyCredential(Key), new OpenAIClientOptions
        {
            Endpoint = Endpoint(protocol).BaseUrl,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            Transport = new HttpClientPipelineTransport(_http),
        }).AsIChatClient()
        : new AnthropicClient { ApiKey = Key, BaseUrl = _server.BaseUri.ToString().TrimEnd('/'), HttpClient = _http, MaxRetries = 0 }
            .AsIChatClient(Model, 8192);

    private ModelEndpoint Endpoint(ModelProtocol protocol) => new()
    {
        Name = "fake",
        Protocol = protocol,
        BaseUrl = protocol == ModelProtocol.OpenAi ? new Uri(_server.BaseUri, "v1/") : _server.BaseUri,
        ApiKeyEnv = "KEY",
    };

    private static async Task<Answer> AnswerAsync(IChatClient client, List<ChatMessage> conversation, ChatOptions options, bool streamed)
    {
        var response = streamed
            ? await client.GetStreamingResponseAsync(conversation, options).ToChatResponseAsync()
            : await client.GetResponseAsync(conversation, options);
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()
            .Select(c => $"{Prefix(c.CallId)} {c.Name} {JsonSerializer.Serialize(c.Arguments)}");
        return new Answer(response.Text, string.Join(" | ", calls), response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, response.FinishReason);
    }

    // The server numbers its call ids across answers; the ids of one answer are not those of the next.
    private static string Prefix(string callId) => callId.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');

    // The conversation a request carried, as role and content per message, whatever the JSON's spacing or key order.
    private static string Conversation(ModelProtocol protocol, JsonElement body)
    {
        var lines = body.GetProperty("messages").EnumerateArray().Select(message => message.GetProperty("role").GetString() + ": " + Content(message));
        return string.Join("\n", lines);

        string Content(JsonElement message) => protocol == ModelProtocol.OpenAi
            ? string.Join(" ", Value(message, "content"), Value(message, "tool_call_id"),
                message.TryGetProperty("tool_calls", out var calls) ? string.Join(",", calls.EnumerateArray().Select(c =>
                    $"{c.GetProperty("id").GetString()} {c.GetProperty("function").GetProperty("name").GetString()} {Canonical(JsonDocument.Parse(c.GetProperty("function").GetProperty("arguments").GetString()!).RootElement)}")) : "")
            : string.Join(",", Blocks(message.GetProperty("content")));

        static IEnumerable<string> Blocks(JsonElement content) => content.ValueKind == JsonValueKind.String
            ? [content.GetString()!]
            : content.EnumerateArray().Select(b => string.Join(" ", b.EnumerateObject().Where(p => p.Name != "is_error" || p.Value.GetBoolean())
                .OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={Text(p.Value)}")));

        static string Text(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Array => string.Join(",", value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("text", out var t) ? t.GetString() : Canonical(v))),
            _ => Canonical(value),
        };

        static string Value(JsonElement message, string name) =>
            message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
    }

    private static string Canonical(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"\"{p.Name}\":{Canonical(p.Value)}")) + "}",
        JsonValueKind.Array => "[" + string.Join(",", element.EnumerateArray().Select(Canonical)) + "]",
        _ => element.GetRawText(),
    };

    private sealed record Answer(string Text, string Calls, long? InputTokens, long? OutputTokens, ChatFinishReason? FinishReason);
}
