using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Wilson.Llm.Providers;

namespace Wilson.Llm.Tests.Providers;

/// <summary>What Wilson's OpenAI-compatible and Anthropic clients put on the wire for each part of a call.</summary>
public sealed class RequestBodyTests
{
    private static readonly AIFunctionDeclaration ReadTool = AIFunctionFactory.CreateDeclaration(
        "read_file", "Reads a file", JsonDocument.Parse("""{"type":"object","properties":{"path":{"type":"string"}}}""").RootElement);

    private static readonly List<ChatMessage> ToolConversation =
    [
        new(ChatRole.System, "Be brief."),
        new(ChatRole.System, "Use the tools."),
        new(ChatRole.User, "read a and b"),
        new(ChatRole.Assistant, [new TextContent("Reading."), new FunctionCallContent("c1", "read_file", new Dictionary<string, object?> { ["path"] = "a" }), new FunctionCallContent("c2", "read_file", new Dictionary<string, object?> { ["path"] = "b" })]),
        new(ChatRole.Tool, [new FunctionResultContent("c1", "alpha"), new FunctionResultContent("c2", new { size = 4 })]),
        new(ChatRole.User, "now summarise"),
    ];

    [Fact]
    public async Task OpenAi_sends_each_result_as_a_tool_message_and_arguments_as_JSON_text()
    {
        var body = await SentAsync(ModelProtocol.OpenAi, ToolConversation, new ChatOptions { Tools = [ReadTool] });

        var messages = body["messages"]!.AsArray();
        Assert.Equal(["system", "system", "user", "assistant", "tool", "tool", "user"], messages.Select(m => (string?)m!["role"]));
        var calls = messages[3]!["tool_calls"]!.AsArray();
        Assert.Equal(["c1", "c2"], calls.Select(c => (string?)c!["id"]));
        Assert.Equal("""{"path":"a"}""", (string?)calls[0]!["function"]!["arguments"]);
        Assert.Equal(("c1", "alpha"), ((string?)messages[4]!["tool_call_id"], (string?)messages[4]!["content"]));
        Assert.Equal(("c2", """{"size":4}"""), ((string?)messages[5]!["tool_call_id"], (string?)messages[5]!["content"]));
        Assert.Equal("read_file", (string?)body["tools"]![0]!["function"]!["name"]);
        Assert.True((bool)body["stream"]!);
        Assert.True((bool)body["stream_options"]!["include_usage"]!);
    }

    [Fact]
    public async Task OpenAi_sends_the_options_it_is_given()
    {
        var options = new ChatOptions
        {
            Temperature = 0.2f, TopP = 0.9f, MaxOutputTokens = 300, StopSequences = ["END"], Seed = 7,
            Tools = [ReadTool], ToolMode = ChatToolMode.RequireSpecific("read_file"), ResponseFormat = ChatResponseFormat.Json,
        };

        var body = await SentAsync(ModelProtocol.OpenAi, [new ChatMessage(ChatRole.User, "hi")], options);

        Assert.Equal(0.2, (double)body["temperature"]!, 3);
        Assert.Equal(0.9, (double)body["top_p"]!, 3);
        Assert.Equal(300, (int)body["max_tokens"]!);
        Assert.Equal("END", (string?)body["stop"]![0]);
        Assert.Equal(7, (long)body["seed"]!);
        Assert.Equal("read_file", (string?)body["tool_choice"]!["function"]!["name"]);
        Assert.Equal("json_object", (string?)body["response_format"]!["type"]);
    }

    [Fact]
    public async Task Anthropic_puts_system_text_apart_and_merges_a_sides_messages_into_one_turn()
    {
        var body = await SentAsync(ModelProtocol.Anthropic, ToolConversation, new ChatOptions { Tools = [ReadTool], ToolMode = ChatToolMode.RequireAny });

        Assert.Equal("Be brief.\n\nUse the tools.", (string?)body["system"]);
        var turns = body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], turns.Select(t => (string?)t!["role"]));
        Assert.Equal(["text", "tool_use", "tool_use"], turns[1]!["content"]!.AsArray().Select(b => (string?)b!["type"]));
        Assert.Equal("a", (string?)turns[1]!["content"]![1]!["input"]!["path"]);
        // The results and the next question are one user turn: results first, as Anthropic requires.
        var last = turns[2]!["content"]!.AsArray();
        Assert.Equal(["tool_result c1 alpha", "tool_result c2 {\"size\":4}", "text  now summarise"],
            last.Select(b => $"{(string?)b!["type"]} {(string?)b["tool_use_id"]} {(string?)b["content"] ?? (string?)b["text"]}"));
        Assert.Equal("input_schema", body["tools"]![0]!.AsObject().Last().Key);
        Assert.Equal("any", (string?)body["tool_choice"]!["type"]);
        Assert.Equal(4096, (int)body["max_tokens"]!);
    }

    [Fact]
    public async Task Anthropic_with_tools_turned_off_sends_no_tools()
    {
        var body = await SentAsync(ModelProtocol.Anthropic, [new ChatMessage(ChatRole.User, "hi")], new ChatOptions { Tools = [ReadTool], ToolMode = ChatToolMode.None, MaxOutputTokens = 50 });

        Assert.Null(body["tools"]);
        Assert.Equal(50, (int)body["max_tokens"]!);
    }

    private static async Task<JsonNode> SentAsync(ModelProtocol protocol, List<ChatMessage> messages, ChatOptions options)
    {
        var answer = protocol == ModelProtocol.OpenAi
            ? "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
            : "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        var handler = new CannedStreamTests.CannedHandler(answer, HttpStatusCode.OK, "text/event-stream");
        using var factory = new ChatClientFactory(_ => "sk-body", TimeProvider.System, handler);
        using var client = factory.Create(new ModelEndpoint
        {
            Name = "canned", Protocol = protocol, ApiKeyEnv = "KEY",
            BaseUrl = new Uri(protocol == ModelProtocol.OpenAi ? "http://127.0.0.1:9/v1" : "http://127.0.0.1:9"),
        }, "m");

        await client.GetResponseAsync(messages, options);

        // The base was written without its last slash: the path is still under it.
        Assert.Equal(protocol == ModelProtocol.OpenAi ? "/v1/chat/completions" : "/v1/messages", handler.LastUri!.AbsolutePath);
        return JsonNode.Parse(handler.LastBody!)!;
    }
}
