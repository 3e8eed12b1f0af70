using System.Net;
using System.Text;
using Microsoft.Extensions.AI;
using Wilson.Llm.Providers;

namespace Wilson.Llm.Tests.Providers;

/// <summary>
/// What other servers of the two SSE protocols send that the fake server does not (streams ended
/// without their last event, errors inside a stream, CRLF, comments, interleaved tool calls,
/// unnamed events, thinking blocks, error bodies that are not the protocol's): answered from a canned
/// response, as those servers cannot run here.
/// </summary>
public sealed class CannedStreamTests
{
    private const string Key = "sk-canned-0123456789";

    [Fact]
    public async Task OpenAi_a_stream_closed_after_the_finish_reason_without_DONE_is_a_whole_answer()
    {
        var response = await AnswerAsync(ModelProtocol.OpenAi, OpenAiEvents(Chunk("""{"content":"Hello"}"""), Chunk("""{"content":" world"}"""), Chunk("{}", "\"stop\"")));

        Assert.Equal("Hello world", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task OpenAi_a_stream_closed_before_the_finish_reason_is_a_lost_connection()
    {
        var error = await FailureAsync(ModelProtocol.OpenAi, OpenAiEvents(Chunk("""{"content":"Hel"}""")));

        Assert.Equal(ModelErrorKind.ConnectionLost, error.Kind);
        Assert.Contains("stopped before the model finished", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAi_an_error_inside_the_stream_fails_with_the_servers_message()
    {
        var error = await FailureAsync(ModelProtocol.OpenAi, OpenAiEvents(Chunk("""{"content":"Hel"}"""), """{"error":{"message":"upstream provider crashed","code":502}}"""));

        Assert.Equal(ModelErrorKind.ServerError, error.Kind);
        Assert.Contains("upstream provider crashed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAi_CRLF_lines_and_comments_are_read_as_events()
    {
        var body = ": OPENROUTER PROCESSING\r\n\r\n" + OpenAiEvents(Chunk("""{"content":"a"}"""), Chunk("""{"content":"b"}""", "\"stop\""), "[DONE]").Replace("\n", "\r\n", StringComparison.Ordinal);

        var response = await AnswerAsync(ModelProtocol.OpenAi, body);

        Assert.Equal("ab", response.Text);
    }

    [Fact]
    public async Task OpenAi_tool_calls_whose_fragments_interleave_are_put_together_by_index()
    {
        var response = await AnswerAsync(ModelProtocol.OpenAi, OpenAiEvents(
            Chunk("""{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"read","arguments":""}}]}"""),
            Chunk("""{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"write","arguments":"{\"pa"}}]}"""),
            Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"path\":\"a.txt\"}"}}]}"""),
            Chunk("""{"tool_calls":[{"index":1,"function":{"arguments":"th\":\"b.txt\"}"}}]}"""),
            Chunk("{}", "\"tool_calls\""),
            "[DONE]"));

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_a read a.txt", "call_b write b.txt"], calls.Select(c => $"{c.CallId} {c.Name} {c.Arguments!["path"]}"));
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task OpenAi_tool_arguments_that_are_not_JSON_are_a_call_that_says_so_not_a_lost_turn()
    {
        var response = await AnswerAsync(ModelProtocol.OpenAi, OpenAiEvents(
            Chunk("""{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"read","arguments":"path=a.txt"}}]}"""),
            Chunk("""{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"read","arguments":"\"{\\\"path\\\":\\\"b.txt\\\"}\""}}]}"""),
            Chunk("{}", "\"tool_calls\""),
            "[DONE]"));

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(("call_a", "read"), (calls[0].CallId, calls[0].Name));
        Assert.StartsWith("the arguments are not valid JSON", calls[0].Exception!.Message, StringComparison.Ordinal);
        Assert.EndsWith(": path=a.txt", calls[0].Exception!.Message, StringComparison.Ordinal);
        Assert.Equal("path=a.txt", calls[0].RawRepresentation);
        Assert.Null(calls[1].Exception);
        Assert.Equal("b.txt", calls[1].Arguments!["path"]!.ToString());
        Assert.Equal("the arguments came as a JSON string; the object inside it was used", calls[1].AdditionalProperties![ToolCallArguments.RepairedKey]);
    }

    [Fact]
    public async Task OpenAi_nulls_a_server_sends_in_every_event_are_nothing()
    {
        const string Nulls = "\"usage\":null,\"error\":null,";
        var response = await AnswerAsync(ModelProtocol.OpenAi, OpenAiEvents(
            Chunk("""{"content":"a","tool_calls":null}""").Replace("{\"id\"", "{" + Nulls + "\"id\"", StringComparison.Ordinal),
            Chunk("""{"content":"b","tool_calls":null}""", "\"stop\"").Replace("{\"id\"", "{" + Nulls + "\"id\"", StringComparison.Ordinal),
            "[DONE]"));

        Assert.Equal("ab", response.Text);
        Assert.Null(response.Usage);
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
    }

    [Theory]
    [InlineData("""{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"whole"},"finish_reason":"stop"}]}""", ModelErrorKind.MalformedResponse, "not a stream of events")]
    [InlineData("""{"error":{"message":"the upstream model is loading"}}""", ModelErrorKind.ServerError, "the upstream model is loading")]
    public async Task One_JSON_document_in_answer_to_a_streamed_call_says_what_it_was(string body, ModelErrorKind kind, string message)
    {
        var error = await FailureAsync(ModelProtocol.OpenAi, body, HttpStatusCode.OK, "application/json");

        Assert.Equal(kind, error.Kind);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anthropic_an_overloaded_error_inside_the_stream_is_a_transient_server_error()
    {
        var error = await FailureAsync(ModelProtocol.Anthropic, AnthropicEvents(
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":3}}}"""),
            ("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""")));

        Assert.Equal(ModelErrorKind.ServerError, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Contains("Overloaded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anthropic_events_without_names_are_read_by_the_type_in_their_data()
    {
        var body = string.Concat(
            Data("""{"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":3}}}"""),
            Data("""{"type":"message","note":"an event of a type Wilson does not know"}"""),
            Data("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"unnamed"}}"""),
            Data("""{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}"""),
            Data("""{"type":"message_stop"}"""));

        var response = await AnswerAsync(ModelProtocol.Anthropic, body);

        Assert.Equal("unnamed", response.Text);
        Assert.Equal(3, response.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task Anthropic_thinking_is_not_part_of_the_answers_text()
    {
        var response = await AnswerAsync(ModelProtocol.Anthropic, AnthropicEvents(
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":3}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"let me see"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"abc"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"42"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":1}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":9}}"""),
            ("message_stop", """{"type":"message_stop"}""")));

        Assert.Equal("42", response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(9, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task Anthropic_a_stream_closed_before_the_stop_reason_is_a_lost_connection()
    {
        var error = await FailureAsync(ModelProtocol.Anthropic, AnthropicEvents(
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":3}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"cut"}}""")));

        Assert.Equal(ModelErrorKind.ConnectionLost, error.Kind);
    }

    [Theory]
    [InlineData(ModelProtocol.OpenAi, HttpStatusCode.BadGateway, "<html>502 Bad Gateway</html>", ModelErrorKind.ServerError, "502 Bad Gateway")]
    [InlineData(ModelProtocol.OpenAi, HttpStatusCode.BadRequest, """{"detail":"max_tokens is too large"}""", ModelErrorKind.BadRequest, "max_tokens is too large")]
    [InlineData(ModelProtocol.OpenAi, HttpStatusCode.NotFound, """{"error":"model 'x' not found"}""", ModelErrorKind.ModelNotFound, "model 'x' not found")]
    [InlineData(ModelProtocol.Anthropic, HttpStatusCode.BadRequest, """{"type":"error","error":{"type":"invalid_request_error","message":"messages: roles must alternate"}}""", ModelErrorKind.BadRequest, "roles must alternate")]
    public async Task An_error_body_in_any_shape_gives_its_message(ModelProtocol protocol, HttpStatusCode status, string body, ModelErrorKind kind, string message)
    {
        var error = await FailureAsync(protocol, body, status, "application/json");

        Assert.Equal(kind, error.Kind);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_echoes_the_key_in_its_error_never_shows_it()
    {
        var error = await FailureAsync(ModelProtocol.OpenAi, "{\"error\":{\"message\":\"Incorrect API key provided: " + Key + "\"}}", HttpStatusCode.InternalServerError, "application/json");

        Assert.Equal(ModelErrorKind.ServerError, error.Kind);
        Assert.Contains("Incorrect API key provided: [redacted]", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.ToString(), StringComparison.Ordinal);
    }

    private static string Chunk(string delta, string finishReason = "null") =>
        $$$"""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{{{delta}}},"finish_reason":{{{finishReason}}}}]}""";

    private static string OpenAiEvents(params string[] data) => string.Concat(data.Select(Data));

    private static string AnthropicEvents(params (string Event, string Data)[] events) =>
        string.Concat(events.Select(e => $"event: {e.Event}\n" + Data(e.Data)));

    private static string Data(string data) => $"data: {data}\n\n";

    private static async Task<ChatResponse> AnswerAsync(ModelProtocol protocol, string body)
    {
        using var factory = Factory(body, HttpStatusCode.OK, "text/event-stream");
        using var client = factory.Create(Endpoint(protocol), "m");
        return await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).ToChatResponseAsync();
    }

    private static async Task<ModelCallException> FailureAsync(ModelProtocol protocol, string body, HttpStatusCode status = HttpStatusCode.OK, string mediaType = "text/event-stream")
    {
        using var factory = Factory(body, status, mediaType);
        using var client = factory.Create(Endpoint(protocol), "m");
        return await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));
    }

    private static ChatClientFactory Factory(string body, HttpStatusCode status, string mediaType) =>
        new(_ => Key, TimeProvider.System, new CannedHandler(body, status, mediaType));

    private static ModelEndpoint Endpoint(ModelProtocol protocol) => new()
    {
        Name = "canned",
        Protocol = protocol,
        BaseUrl = new Uri(protocol == ModelProtocol.OpenAi ? "http://127.0.0.1:9/v1/" : "http://127.0.0.1:9/"),
        ApiKeyEnv = "CANNED_KEY",
    };

    /// <summary>Answers every request with one canned response, and keeps the last request's body.</summary>
    internal sealed class CannedHandler(string body, HttpStatusCode status, string mediaType) : HttpMessageHandler
    {
        public string? LastBody { get; private set; }

        public Uri? LastUri { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastUri = request.RequestUri;
            LastBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(status)
            {
                RequestMessage = request,
                Content = new StringContent(body, Encoding.UTF8, mediaType),
            };
        }
    }
}
