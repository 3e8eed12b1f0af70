using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Anthropic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using OpenAI;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Llm.Tests;

/// <summary>
/// The fake model server against real HTTP clients: the wire formats of the three protocols, the
/// official clients on top of them, the faults, the recording, the script and the turn rules.
/// </summary>
public sealed class FakeModelServerTests
{
    private const string Model = FakeModelScript.DefaultModelName;
    private const string OutOfMemory = "model requires more system memory (5.6 GiB) than is available (3.1 GiB)";

    private static readonly ScriptedTurn Weather = new()
    {
        WhenContains = "weather",
        Text = "Let me look.",
        ToolCalls = [new ScriptedToolCall("get_weather", """{"city":"Paris","days":3}""")],
        InputTokens = 11,
        OutputTokens = 5,
    };

    private static readonly ScriptedTurn Greeting = new() { WhenContains = "greet", Text = "Hello there, friend." };

    // ---- Ollama ----

    [Fact]
    public async Task OllamaChat_Streaming_SendsAChunkPerWordThenTheToolCallsThenDone()
    {
        await using var server = await StartAsync(Weather);
        using var http = Http(server);

        using var response = await SendAsync(http, Ollama("api/chat", "what is the weather?"));
        var chunks = await ReadNdjsonAsync(response);

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3 + 1 + 1, chunks.Count);
        Assert.All(chunks[..^1], c => Assert.False(c.GetProperty("done").GetBoolean()));
        Assert.All(chunks, c => Assert.Equal(Model, c.GetProperty("model").GetString()));
        Assert.All(chunks, c => Assert.True(DateTimeOffset.TryParse(c.GetProperty("created_at").GetString(), out _)));
        Assert.Equal(["Let ", "me ", "look."], chunks[..3].Select(c => c.GetProperty("message").GetProperty("content").GetString()));
        var call = Assert.Single(chunks[3].GetProperty("message").GetProperty("tool_calls").EnumerateArray()).GetProperty("function");
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Object, call.GetProperty("arguments").ValueKind);
        Assert.Equal(3, call.GetProperty("arguments").GetProperty("days").GetInt32());
        var done = chunks[^1];
        Assert.True(done.GetProperty("done").GetBoolean());
        Assert.Equal("stop", done.GetProperty("done_reason").GetString());
        Assert.Equal("", done.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(11, done.GetProperty("prompt_eval_count").GetInt32());
        Assert.Equal(5, done.GetProperty("eval_count").GetInt32());
        foreach (var field in new[] { "total_duration", "load_duration", "prompt_eval_duration", "eval_duration" })
        {
            Assert.True(done.GetProperty(field).GetInt64() > 0, field);
        }
    }

    [Fact]
    public async Task OllamaChat_NotStreaming_ReturnsOneObjectWithTheWholeAnswer()
    {
        await using var server = await StartAsync(Weather);
        using var http = Http(server);

        using var response = await SendAsync(http, Ollama("api/chat", "what is the weather?", stream: false));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var message = body.RootElement.GetProperty("message");
        Assert.Equal("Let me look.", message.GetProperty("content").GetString());
        Assert.Equal("Paris", message.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetProperty("city").GetString());
        Assert.True(body.RootElement.GetProperty("done").GetBoolean());
        Assert.Equal(5, body.RootElement.GetProperty("eval_count").GetInt32());
    }

    [Fact]
    public async Task OllamaChat_WithoutScriptedTokens_EstimatesUsageFromTheRequest()
    {
        await using var server = await StartAsync(Greeting);
        using var http = Http(server);
        var prompt = "please greet me, " + new string('x', 83);

        var chunks = await ReadNdjsonAsync(await SendAsync(http, Ollama("api/chat", prompt)));

        Assert.Equal(prompt.Length / 4, chunks[^1].GetProperty("prompt_eval_count").GetInt32());
        Assert.Equal(3, chunks[^1].GetProperty("eval_count").GetInt32());
    }

    [Fact]
    public async Task OllamaGenerate_WithAPrompt_StreamsResponseChunks()
    {
        await using var server = await StartAsync(Greeting);
        using var http = Http(server);

        var chunks = await ReadNdjsonAsync(await SendAsync(http, Post("api/generate", new { model = Model, prompt = "greet me", system = "be nice" })));

        Assert.Equal(["Hello ", "there, ", "friend.", ""], chunks.Select(c => c.GetProperty("response").GetString()));
        Assert.True(chunks[^1].GetProperty("done").GetBoolean());
        Assert.Equal("stop", chunks[^1].GetProperty("done_reason").GetString());
    }

    [Fact]
    public async Task OllamaGenerate_WithoutAPrompt_LoadsAndWithKeepAliveZeroUnloads()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await FakeModelServer.StartAsync(time: time);
        using var http = Http(server);

        using var load = await JsonAsync(http, Post("api/generate", new { model = Model, keep_alive = "30s" }));
        Assert.Equal("load", load.RootElement.GetProperty("done_reason").GetString());
        Assert.True(load.RootElement.GetProperty("done").GetBoolean());
        Assert.Equal("", load.RootElement.GetProperty("response").GetString());

        using var running = await JsonAsync(http, new HttpRequestMessage(HttpMethod.Get, "api/ps"));
        var model = Assert.Single(running.RootElement.GetProperty("models").EnumerateArray());
        Assert.Equal("fake-model:latest", model.GetProperty("name").GetString());
        Assert.Equal(4_000_000_000, model.GetProperty("size_vram").GetInt64());
        Assert.Equal(time.GetUtcNow().AddSeconds(30), DateTimeOffset.Parse(model.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([Model], server.LoadedModels);

        using var unload = await JsonAsync(http, Post("api/generate", new { model = Model, keep_alive = 0 }));
        Assert.Equal("unload", unload.RootElement.GetProperty("done_reason").GetString());
        Assert.Empty(server.LoadedModels);
        using var after = await JsonAsync(http, new HttpRequestMessage(HttpMethod.Get, "api/ps"));
        Assert.Empty(after.RootElement.GetProperty("models").EnumerateArray());
    }

    [Fact]
    public async Task OllamaPs_AfterTheKeepAliveOfIdleTime_NoLongerListsTheModel()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeModelServer.StartAsync(time: time);
        using var http = Http(server);

        await ReadNdjsonAsync(await SendAsync(http, Post("api/chat", new { model = Model, messages = new[] { new { role = "user", content = "hi" } }, keep_alive = "1m" })));
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal([Model], server.LoadedModels);

        time.Advance(TimeSpan.FromSeconds(2));
        using var running = await JsonAsync(http, new HttpRequestMessage(HttpMethod.Get, "api/ps"));
        Assert.Empty(running.RootElement.GetProperty("models").EnumerateArray());
        Assert.Empty(server.LoadedModels);
    }

    [Fact]
    public async Task OllamaChat_LoadsForFiveMinutesByDefault_AndANegativeKeepAliveKeepsItForGood()
    {
        var time = new FakeTimeProvider();
        var script = new FakeModelScript().AddModel(new FakeModel("other:3b"));
        await using var server = await FakeModelServer.StartAsync(script, time);
        using var http = Http(server);

        await ReadNdjsonAsync(await SendAsync(http, Ollama("api/chat", "hi")));
        using var load = await JsonAsync(http, Post("api/chat", new { model = "other:3b", messages = Array.Empty<object>(), keep_alive = -1 }));
        Assert.Equal("load", load.RootElement.GetProperty("done_reason").GetString());

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal([Model, "other:3b"], server.LoadedModels);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(["other:3b"], server.LoadedModels);
        time.Advance(TimeSpan.FromDays(1000));
        Assert.Equal(["other:3b"], server.LoadedModels);
    }

    [Fact]
    public async Task OllamaChat_WithAnInvalidKeepAlive_IsRefused()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);

        using var response = await SendAsync(http, Post("api/chat", new { model = Model, messages = Array.Empty<object>(), keep_alive = "soon" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("time: invalid duration \"soon\"", await OllamaErrorAsync(response));
    }

    [Fact]
    public async Task OllamaTags_ListsThePulledModelsWithTheirDetails()
    {
        var script = new FakeModelScript();
        script.Models.Add(new FakeModel("qwen2.5-coder:7b", SizeBytes: 4_700_000_000, Family: "qwen2", ParameterSize: "7.6B"));
        await using var server = await FakeModelServer.StartAsync(script);
        using var http = Http(server);

        using var tags = await JsonAsync(http, new HttpRequestMessage(HttpMethod.Get, "api/tags"));

        var models = tags.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["fake-model:latest", "qwen2.5-coder:7b"], models.Select(m => m.GetProperty("name").GetString()));
        var qwen = models[1];
        Assert.Equal("qwen2.5-coder:7b", qwen.GetProperty("model").GetString());
        Assert.Equal(4_700_000_000, qwen.GetProperty("size").GetInt64());
        Assert.Equal(64, qwen.GetProperty("digest").GetString()!.Length);
        Assert.True(DateTimeOffset.TryParse(qwen.GetProperty("modified_at").GetString(), out _));
        var details = qwen.GetProperty("details");
        Assert.Equal("qwen2", details.GetProperty("family").GetString());
        Assert.Equal("7.6B", details.GetProperty("parameter_size").GetString());
        Assert.Equal("Q4_K_M", details.GetProperty("quantization_level").GetString());
        Assert.Equal("gguf", details.GetProperty("format").GetString());
    }

    [Fact]
    public async Task OllamaShow_ReportsCapabilitiesAndContextLength()
    {
        var script = new FakeModelScript().AddModel(new FakeModel("tiny:1b", SupportsTools: false, ContextLength: 2048));
        await using var server = await FakeModelServer.StartAsync(script);
        using var http = Http(server);

        using var capable = await JsonAsync(http, Post("api/show", new { model = Model }));
        using var tiny = await JsonAsync(http, Post("api/show", new { model = "tiny:1b" }));
        using var missing = await SendAsync(http, Post("api/show", new { model = "ghost" }));

        Assert.Equal(["completion", "tools"], Strings(capable.RootElement.GetProperty("capabilities")));
        Assert.Equal("llama", capable.RootElement.GetProperty("model_info").GetProperty("general.architecture").GetString());
        Assert.Equal(8192, capable.RootElement.GetProperty("model_info").GetProperty("llama.context_length").GetInt32());
        Assert.Equal("7B", capable.RootElement.GetProperty("details").GetProperty("parameter_size").GetString());
        Assert.Equal(["completion"], Strings(tiny.RootElement.GetProperty("capabilities")));
        Assert.Equal(2048, tiny.RootElement.GetProperty("model_info").GetProperty("llama.context_length").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("model \"ghost\" not found, try pulling it first", await OllamaErrorAsync(missing));
    }

    [Fact]
    public async Task OllamaRootAndVersion_AnswerAsOllamaDoes()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);

        Assert.Equal("Ollama is running", await http.GetStringAsync(new Uri("/", UriKind.Relative)));
        using var version = await JsonAsync(http, new HttpRequestMessage(HttpMethod.Get, "api/version"));
        Assert.Equal("0.12.0", version.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task OllamaChat_OfferingToolsToAModelWithoutThem_IsRefused()
    {
        var script = new FakeModelScript().AddModel(new FakeModel("tiny:1b", SupportsTools: false));
        await using var server = await FakeModelServer.StartAsync(script);
        using var http = Http(server);
        var tools = new[] { new { type = "function", function = new { name = "get_weather" } } };

        using var response = await SendAsync(http, Post("api/chat", new { model = "tiny:1b", messages = new[] { new { role = "user", content = "hi" } }, tools }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("registry.ollama.ai/library/tiny:1b does not support tools", await OllamaErrorAsync(response));
    }

    // ---- OpenAI ----

    [Fact]
    public async Task OpenAiCompletions_Streaming_SendsContentAndToolCallDeltasThenUsageThenDone()
    {
        await using var server = await StartAsync(Weather);
        using var http = Http(server);

        using var response = await SendAsync(http, OpenAi("what is the weather?", stream: true, includeUsage: true));
        var events = await ReadSseAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.All(events, e => Assert.Null(e.Event));
        Assert.Equal("[DONE]", events[^1].Data);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        var usage = chunks[^1];
        Assert.Empty(usage.GetProperty("choices").EnumerateArray());
        Assert.Equal(11, usage.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(16, usage.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        var choices = chunks[..^1].Select(c => c.GetProperty("choices")[0]).ToList();
        Assert.Equal("tool_calls", choices[^1].GetProperty("finish_reason").GetString());
        Assert.All(choices[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("finish_reason").ValueKind));
        var deltas = choices.Select(c => c.GetProperty("delta")).ToList();
        Assert.Equal("Let me look.", string.Concat(deltas.Where(d => d.TryGetProperty("content", out _)).Select(d => d.GetProperty("content").GetString())));
        var calls = deltas.Where(d => d.TryGetProperty("tool_calls", out _)).Select(d => d.GetProperty("tool_calls")[0]).ToList();
        Assert.True(calls.Count > 2, "the arguments come in several fragments");
        Assert.Equal("call_1", calls[0].GetProperty("id").GetString());
        Assert.Equal("function", calls[0].GetProperty("type").GetString());
        Assert.Equal("get_weather", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.All(calls, c => Assert.Equal(0, c.GetProperty("index").GetInt32()));
        Assert.All(calls[1..], c => Assert.False(c.TryGetProperty("id", out _)));
        Assert.Equal("""{"city":"Paris","days":3}""", string.Concat(calls.Select(c => c.GetProperty("function").GetProperty("arguments").GetString())));
    }

    [Fact]
    public async Task OpenAiCompletions_NotStreaming_ReturnsAChatCompletion()
    {
        await using var server = await StartAsync(Weather);
        using var http = Http(server);

        using var completion = await JsonAsync(http, OpenAi("what is the weather?", stream: false));

        var root = completion.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal(Model, root.GetProperty("model").GetString());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Let me look.", choice.GetProperty("message").GetProperty("content").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal(JsonValueKind.String, call.GetProperty("function").GetProperty("arguments").ValueKind);
        Assert.Equal("""{"city":"Paris","days":3}""", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(16, root.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task OpenAiModels_ListsThePulledModels()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);

        using var models = await JsonAsync(http, new HttpRequestMessage(HttpMethod.Get, "v1/models"));

        Assert.Equal("list", models.RootElement.GetProperty("object").GetString());
        var model = Assert.Single(models.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal(Model, model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());
        Assert.Equal("fake", model.GetProperty("owned_by").GetString());
    }

    [Fact]
    public async Task OpenAiChatClient_StreamsTextAndCallsToolsThroughTheOfficialLibrary()
    {
        await using var server = await StartAsync(Weather, Greeting);
        server.RequiredApiKey = "sk-fake";
        var client = new OpenAI.Chat.ChatClient(Model, new ApiKeyCredential("sk-fake"), new OpenAIClientOptions
        {
            Endpoint = new Uri(server.BaseUri, "v1/"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        }).AsIChatClient();

        var updates = await ReadAllAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "please greet me")]));
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "what is the weather?")], new ChatOptions { Tools = [WeatherTool()] });

        Assert.Equal("Hello there, friend.", string.Concat(updates.Select(u => u.Text)));
        Assert.True(updates.Count(u => u.Text.Length > 0) >= 3);
        Assert.Equal("Let me look.", response.Text);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
        Assert.Equal(11, response.Usage?.InputTokenCount);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    // ---- Anthropic ----

    [Fact]
    public async Task AnthropicMessages_Streaming_SendsTheEventSequence()
    {
        await using var server = await StartAsync(Weather);
        using var http = Http(server);

        using var response = await SendAsync(http, Anthropic("what is the weather?", stream: true));
        var events = await ReadSseAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            [
                "message_start", "ping",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", .. Enumerable.Repeat("content_block_delta", 4), "content_block_stop",
                "message_delta", "message_stop",
            ],
            events.Select(e => e.Event));
        var data = events.Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        Assert.All(events.Zip(data), pair => Assert.Equal(pair.First.Event, pair.Second.GetProperty("type").GetString()));
        var start = data[0].GetProperty("message");
        Assert.Equal("assistant", start.GetProperty("role").GetString());
        Assert.Equal(11, start.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal("text", data[2].GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal("Let me look.", string.Concat(data[3..6].Select(d => d.GetProperty("delta").GetProperty("text").GetString())));
        var tool = data[7].GetProperty("content_block");
        Assert.Equal(1, data[7].GetProperty("index").GetInt32());
        Assert.Equal("tool_use", tool.GetProperty("type").GetString());
        Assert.Equal("toolu_1", tool.GetProperty("id").GetString());
        Assert.Equal("get_weather", tool.GetProperty("name").GetString());
        Assert.Equal(
            """{"city":"Paris","days":3}""",
            string.Concat(data[8..12].Select(d => d.GetProperty("delta").GetProperty("partial_json").GetString())));
        Assert.Equal("tool_use", data[^2].GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(5, data[^2].GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task AnthropicMessages_NotStreaming_ReturnsTheMessageWithContentBlocks()
    {
        await using var server = await StartAsync(Weather);
        using var http = Http(server);

        using var message = await JsonAsync(http, Anthropic("what is the weather?", stream: false));

        var root = message.RootElement;
        Assert.Equal("message", root.GetProperty("type").GetString());
        Assert.Equal("tool_use", root.GetProperty("stop_reason").GetString());
        var blocks = root.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal("Let me look.", blocks[0].GetProperty("text").GetString());
        Assert.Equal(3, blocks[1].GetProperty("input").GetProperty("days").GetInt32());
        Assert.Equal(5, root.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task AnthropicMessages_WithoutTheVersionHeader_IsRefused()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);
        var request = Anthropic("hi", stream: false);
        request.Headers.Remove("anthropic-version");

        using var response = await SendAsync(http, request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("invalid_request_error", "anthropic-version: header is required"), await ProtocolErrorAsync("anthropic", response));
    }

    [Fact]
    public async Task AnthropicChatClient_StreamsTextAndCallsToolsThroughTheOfficialLibrary()
    {
        await using var server = await StartAsync(Weather, Greeting);
        server.RequiredApiKey = "sk-ant-fake";
        var client = new AnthropicClient { ApiKey = "sk-ant-fake", BaseUrl = server.BaseUri.ToString().TrimEnd('/'), MaxRetries = 0 }
            .AsIChatClient(Model, 1024);

        var updates = await ReadAllAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "please greet me")]));
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "what is the weather?")], new ChatOptions { Tools = [WeatherTool()] });
        var streamed = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "what is the weather?")], new ChatOptions { Tools = [WeatherTool()] })
            .ToChatResponseAsync();

        Assert.Equal("Hello there, friend.", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal("Let me look.", response.Text);
        foreach (var answer in new[] { response, streamed })
        {
            var call = Assert.Single(answer.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
            Assert.Equal("get_weather", call.Name);
            Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
            Assert.Equal(11, answer.Usage?.InputTokenCount);
            Assert.Equal(5, answer.Usage?.OutputTokenCount);
        }
    }

    // ---- Faults ----

    [Theory]
    [InlineData("ollama", FakeFaultKind.ServerError, 500, null, "llama runner process has terminated: exit status 2")]
    [InlineData("openai", FakeFaultKind.ServerError, 500, "server_error", "The server had an error while processing your request. Sorry about that!")]
    [InlineData("anthropic", FakeFaultKind.ServerError, 500, "api_error", "Internal server error")]
    [InlineData("ollama", FakeFaultKind.UnknownModel, 404, null, "model \"fake-model\" not found, try pulling it first")]
    [InlineData("openai", FakeFaultKind.UnknownModel, 404, "invalid_request_error", "The model `fake-model` does not exist or you do not have access to it.")]
    [InlineData("anthropic", FakeFaultKind.UnknownModel, 404, "not_found_error", "model: fake-model")]
    [InlineData("ollama", FakeFaultKind.OutOfMemory, 500, null, OutOfMemory)]
    [InlineData("openai", FakeFaultKind.OutOfMemory, 500, "server_error", OutOfMemory)]
    [InlineData("anthropic", FakeFaultKind.OutOfMemory, 500, "api_error", OutOfMemory)]
    [InlineData("ollama", FakeFaultKind.Unauthorized, 401, null, "unauthorized")]
    [InlineData("openai", FakeFaultKind.Unauthorized, 401, "invalid_request_error", "Incorrect API key provided")]
    [InlineData("anthropic", FakeFaultKind.Unauthorized, 401, "authentication_error", "invalid x-api-key")]
    [InlineData("ollama", FakeFaultKind.TooManyRequests, 429, null, "server busy, please try again.  maximum pending requests exceeded")]
    [InlineData("openai", FakeFaultKind.TooManyRequests, 429, "rate_limit_exceeded", "Rate limit reached for requests. Please try again later.")]
    [InlineData("anthropic", FakeFaultKind.TooManyRequests, 429, "rate_limit_error", "Number of requests has exceeded your per-minute rate limit")]
    public async Task InjectedFault_AnswersWithTheProtocolsError(string protocol, FakeFaultKind kind, int status, string? type, string message)
    {
        await using var server = await StartAsync(Greeting);
        using var http = Http(server);
        server.InjectFault(new FakeFault(kind));

        using var failed = await SendAsync(http, Chat(protocol, "please greet me", stream: true));
        using var next = await SendAsync(http, Chat(protocol, "please greet me", stream: false));

        Assert.Equal(status, (int)failed.StatusCode);
        Assert.Equal("application/json", failed.Content.Headers.ContentType?.MediaType);
        Assert.Equal((type, message), await ProtocolErrorAsync(protocol, failed));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task TooManyRequests_SaysHowLongToWaitInRetryAfter()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);
        server.InjectFault(new FakeFault(FakeFaultKind.TooManyRequests) { RetryAfter = TimeSpan.FromSeconds(6.5) });

        using var response = await SendAsync(http, Ollama("api/chat", "hi"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Hang_AnswersNothingUntilTheClientCancels()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);
        server.InjectFault(new FakeFault(FakeFaultKind.Hang));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => http.SendAsync(Ollama("api/chat", "hi"), cancel.Token));

        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(1));
        using var next = await SendAsync(http, Ollama("api/chat", "hi"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Dispose_WithAHungRequest_EndsItPromptly()
    {
        var server = await FakeModelServer.StartAsync();
        using var http = Http(server);
        server.InjectFault(new FakeFault(FakeFaultKind.Hang));
        var hung = http.SendAsync(Ollama("api/chat", "hi"));
        await WaitUntilAsync(() => server.Requests.Count == 1);
        var stopwatch = Stopwatch.StartNew();

        await server.DisposeAsync();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"dispose took {stopwatch.Elapsed}");
        await Assert.ThrowsAnyAsync<Exception>(() => hung);
    }

    [Fact]
    public async Task SlowStream_WaitsBeforeEachChunk()
    {
        await using var server = await StartAsync(Greeting);
        using var http = Http(server);
        server.InjectFault(new FakeFault(FakeFaultKind.SlowStream) { Delay = TimeSpan.FromMilliseconds(60) });
        var stopwatch = Stopwatch.StartNew();

        using var response = await SendAsync(http, Ollama("api/chat", "please greet me"));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var arrivals = new List<TimeSpan>();
        while (await reader.ReadLineAsync() is not null)
        {
            arrivals.Add(stopwatch.Elapsed);
        }

        Assert.Equal(4, arrivals.Count);
        Assert.True(arrivals[0] >= TimeSpan.FromMilliseconds(50), $"first chunk after {arrivals[0]}");
        // Three waits of 60 ms came before the third chunk; a loaded machine can only make it later.
        Assert.True(arrivals[2] >= TimeSpan.FromMilliseconds(170), $"chunks at {string.Join(", ", arrivals)}");
    }

    [Fact]
    public async Task MalformedMidStream_SendsAGoodChunkThenALineOfBrokenJsonThenEnds()
    {
        await using var server = await StartAsync(Greeting);
        using var http = Http(server);
        server.InjectFault(new FakeFault(FakeFaultKind.MalformedMidStream));

        using var response = await SendAsync(http, Ollama("api/chat", "please greet me"));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, lines.Length);
        Assert.Equal("Hello ", JsonDocument.Parse(lines[0]).RootElement.GetProperty("message").GetProperty("content").GetString());
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(lines[1]));
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task MalformedMidStream_BreaksAServerSentEventToo(string protocol)
    {
        await using var server = await StartAsync(Greeting);
        using var http = Http(server);
        server.InjectFault(new FakeFault(FakeFaultKind.MalformedMidStream));

        var events = await ReadSseAsync(await SendAsync(http, Chat(protocol, "please greet me", stream: true)));

        Assert.Contains("Hello ", events[^2].Data, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(events[^1].Data));
    }

    [Fact]
    public async Task DropConnection_SendsTheFirstChunkThenCutsTheConnection()
    {
        await using var server = await StartAsync(Greeting);
        using var http = Http(server);
        server.InjectFault(new FakeFault(FakeFaultKind.DropConnection));

        using var response = await SendAsync(http, Ollama("api/chat", "please greet me"));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var first = await reader.ReadLineAsync();
        Assert.Equal("Hello ", JsonDocument.Parse(first!).RootElement.GetProperty("message").GetProperty("content").GetString());
        await Assert.ThrowsAnyAsync<IOException>(() => reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Faults_ApplyToTheirModelAndNumberOfRequests_ThenStop()
    {
        var script = new FakeModelScript().AddModel(new FakeModel("other:3b"));
        await using var server = await FakeModelServer.StartAsync(script);
        using var http = Http(server);
        server.InjectFault(new FakeFault(FakeFaultKind.ServerError) { Model = "other:3b", Times = 2 });

        var statuses = new List<HttpStatusCode>();
        foreach (var model in new[] { Model, "other:3b", Model, "other:3b", "other:3b" })
        {
            using var response = await SendAsync(http, Post("api/chat", new { model, messages = new[] { new { role = "user", content = "hi" } }, stream = false }));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.OK], statuses);
    }

    [Fact]
    public async Task Faults_WithAPath_ApplyToThatEndpointOnly()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);
        server.InjectFault(new FakeFault(FakeFaultKind.ServerError) { Path = "/api/tags" });

        using var chat = await SendAsync(http, Ollama("api/chat", "hi", stream: false));
        using var tags = await SendAsync(http, new HttpRequestMessage(HttpMethod.Get, "api/tags"));

        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, tags.StatusCode);
    }

    [Theory]
    [InlineData("ollama", 404, null, "model \"ghost:7b\" not found, try pulling it first")]
    [InlineData("openai", 404, "invalid_request_error", "The model `ghost:7b` does not exist or you do not have access to it.")]
    [InlineData("anthropic", 404, "not_found_error", "model: ghost:7b")]
    public async Task AModelThatIsNotPulled_IsNotFound(string protocol, int status, string? type, string message)
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);

        using var response = await SendAsync(http, Chat(protocol, "hi", stream: true, model: "ghost:7b"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal((type, message), await ProtocolErrorAsync(protocol, response));
    }

    [Fact]
    public async Task OpenAiNotFound_CarriesTheModelNotFoundCode()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);

        using var error = await JsonAsync(http, Chat("openai", "hi", stream: false, model: "ghost"), HttpStatusCode.NotFound);

        Assert.Equal("model_not_found", error.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task RequiredApiKey_IsCheckedAsEachProtocolSendsIt()
    {
        await using var server = await StartAsync(Greeting);
        server.RequiredApiKey = "sk-right";
        using var http = Http(server);

        using var openAiWrong = await SendAsync(http, WithHeader(Chat("openai", "hi", stream: false), "Authorization", "Bearer sk-wrong"));
        using var openAiRight = await SendAsync(http, WithHeader(Chat("openai", "hi", stream: false), "Authorization", "Bearer sk-right"));
        using var anthropicMissing = await SendAsync(http, Chat("anthropic", "hi", stream: false));
        using var anthropicRight = await SendAsync(http, WithHeader(Chat("anthropic", "hi", stream: false), "x-api-key", "sk-right"));
        using var ollama = await SendAsync(http, Chat("ollama", "hi", stream: false));

        Assert.Equal(HttpStatusCode.Unauthorized, openAiWrong.StatusCode);
        Assert.Equal(("invalid_request_error", "Incorrect API key provided"), await ProtocolErrorAsync("openai", openAiWrong));
        Assert.Equal(HttpStatusCode.OK, openAiRight.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anthropicMissing.StatusCode);
        Assert.Equal(("authentication_error", "invalid x-api-key"), await ProtocolErrorAsync("anthropic", anthropicMissing));
        Assert.Equal(HttpStatusCode.OK, anthropicRight.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ollama.StatusCode);
    }

    // ---- Recording ----

    [Fact]
    public async Task Requests_AreRecordedInOrder_FailedOnesIncluded()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 5, 1, 8, 0, 0, TimeSpan.Zero));
        await using var server = await FakeModelServer.StartAsync(time: time);
        server.RequiredApiKey = "sk-right";
        using var http = Http(server);

        using var chat = await SendAsync(http, Ollama("api/chat", "hi", stream: false));
        time.Advance(TimeSpan.FromSeconds(3));
        using var refused = await SendAsync(http, WithHeader(Chat("openai", "hi", stream: false), "Authorization", "Bearer sk-wrong"));
        using var missing = await SendAsync(http, WithHeader(Chat("anthropic", "hi", stream: false, model: "ghost"), "x-api-key", "sk-right"));
        using var tags = await SendAsync(http, new HttpRequestMessage(HttpMethod.Get, "api/tags"));

        var requests = server.Requests;
        Assert.Equal(["ollama", "openai", "anthropic", "ollama"], requests.Select(r => r.Protocol));
        Assert.Equal(["/api/chat", "/v1/chat/completions", "/v1/messages", "/api/tags"], requests.Select(r => r.Path));
        Assert.Equal(["POST", "POST", "POST", "GET"], requests.Select(r => r.Method));
        Assert.Equal([Model, Model, "ghost", null], requests.Select(r => r.Model));
        Assert.Contains("\"content\":\"hi\"", requests[0].Body, StringComparison.Ordinal);
        Assert.Equal("", requests[3].Body);
        Assert.Equal("Bearer sk-wrong", requests[1].Headers["authorization"]);
        Assert.Equal("2023-06-01", requests[2].Headers["Anthropic-Version"]);
        Assert.Equal(time.Start, requests[0].At);
        Assert.Equal(time.Start.AddSeconds(3), requests[1].At);
    }

    // ---- Script ----

    [Fact]
    public void Parse_ReadsModelsTurnsAndToolCallArgumentsWithTheirTypes()
    {
        var script = FakeModelScript.Parse("""
            models:
              - name: qwen2.5-coder:7b
                size_bytes: 4700000000
                supports_tools: true
                family: qwen2
              - name: tiny:1b
                supports_tools: false
            turns:
              - model: qwen2.5-coder:7b
                when_contains: "add a function"
                text: "I'll write it."
                tool_calls:
                  - name: write_file
                    arguments: { path: "src/a.py", content: "def f(): pass\n", lines: 1, force: true, mode: "1" }
                    id: call_x
                input_tokens: 120
                output_tokens: 40
                once: true
              - text: anything else
            """);

        Assert.Equal([new FakeModel("qwen2.5-coder:7b", 4_700_000_000, true, "qwen2"), new FakeModel("tiny:1b", SupportsTools: false)], script.Models);
        Assert.Equal(2, script.Turns.Count);
        var turn = script.Turns[0];
        Assert.Equal(("qwen2.5-coder:7b", "add a function", "I'll write it.", 120, 40, true), (turn.Model, turn.WhenContains, turn.Text, turn.InputTokens, turn.OutputTokens, turn.Once));
        var call = Assert.Single(turn.ToolCalls);
        Assert.Equal(("write_file", "call_x"), (call.Name, call.Id));
        using var arguments = JsonDocument.Parse(call.ArgumentsJson);
        Assert.Equal("def f(): pass\n", arguments.RootElement.GetProperty("content").GetString());
        Assert.Equal(1, arguments.RootElement.GetProperty("lines").GetInt32());
        Assert.True(arguments.RootElement.GetProperty("force").GetBoolean());
        Assert.Equal("1", arguments.RootElement.GetProperty("mode").GetString());
        Assert.Equal(new ScriptedTurn { Text = "anything else" }.Text, script.Turns[1].Text);
        Assert.Null(script.Turns[1].WhenContains);
    }

    [Fact]
    public void Parse_WithAnUnknownKey_NamesTheKeyAndItsLine()
    {
        var error = Assert.Throws<FormatException>(() => FakeModelScript.Parse("""
            turns:
              - text: hi
              - text: there
                when: "x"
            """));

        Assert.StartsWith("script:4: unknown key 'when' in a turn; expected one of: model, when_contains,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TakesArgumentsAsJsonText_AndNamesTheLineOfBrokenYaml()
    {
        var script = FakeModelScript.Parse("""
            turns:
              - tool_calls:
                  - name: run
                    arguments: '{"command": ["ls", "-l"]}'
            """);
        var broken = Assert.Throws<FormatException>(() => FakeModelScript.Parse("turns:\n  - text: hi\n    once: [true\n"));
        var notAnObject = Assert.Throws<FormatException>(() => FakeModelScript.Parse("turns:\n  - tool_calls:\n      - name: run\n        arguments: '[1]'\n"));

        Assert.Equal("""{"command": ["ls", "-l"]}""", Assert.Single(script.Turns[0].ToolCalls).ArgumentsJson);
        Assert.StartsWith("script:", broken.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", broken.Message, StringComparison.Ordinal);
        Assert.Equal("script:4: arguments must be a mapping or a JSON object", notAnObject.Message);
    }

    [Fact]
    public void Load_NamesTheFileInErrors_AndReadsTheExampleScript()
    {
        using var directory = new TempDirectory();
        var broken = directory.Write("broken.yaml", "models:\n  - name: a\n    size_bytes: lots\n");

        var error = Assert.Throws<FormatException>(() => FakeModelScript.Load(broken));
        var example = FakeModelScript.Load(Path.Combine(AppContext.BaseDirectory, "Models", "example-script.yaml"));

        Assert.Equal($"{broken}:3: size_bytes must be a whole number of zero or more", error.Message);
        Assert.Contains(example.Models, m => m.Name == "qwen2.5-coder:7b");
        Assert.Contains(example.Turns, t => t.ToolCalls.Count > 0);
    }

    [Fact]
    public void Parse_AnEmptyScript_HasTheDefaultModelAndNoTurns()
    {
        var script = FakeModelScript.Parse("");

        Assert.Equal([new FakeModel("fake-model")], script.Models);
        Assert.Empty(script.Turns);
    }

    // ---- Turn selection ----

    [Fact]
    public async Task Turns_AMatchInTheLastMessageBeatsAnEarlierOneAndAnUnconditionalOne()
    {
        await using var server = await StartAsync(
            new ScriptedTurn { Text = "fallback" },
            new ScriptedTurn { WhenContains = "ALPHA", Text = "alpha answer" },
            new ScriptedTurn { WhenContains = "beta", Text = "beta answer" });
        using var http = Http(server);

        Assert.Equal("beta answer", await OllamaAnswerAsync(http, ("user", "about alpha"), ("assistant", "ok"), ("user", "now Beta")));
        Assert.Equal("alpha answer", await OllamaAnswerAsync(http, ("user", "about alpha"), ("assistant", "ok"), ("user", "go on")));
        Assert.Equal("fallback", await OllamaAnswerAsync(http, ("user", "something else")));
    }

    [Fact]
    public async Task Turns_ForAnotherModelAreSkipped_AndOnceTurnsAreUsedUp()
    {
        var script = new FakeModelScript().AddModel(new FakeModel("other:3b"));
        script.Turns.Add(new ScriptedTurn { Model = "other:3b", WhenContains = "hi", Text = "other's answer" });
        script.Turns.Add(new ScriptedTurn { WhenContains = "hi", Text = "first time", Once = true });
        script.Turns.Add(new ScriptedTurn { WhenContains = "hi", Text = "every time" });
        await using var server = await FakeModelServer.StartAsync(script);
        using var http = Http(server);

        Assert.Equal("first time", await OllamaAnswerAsync(http, ("user", "hi")));
        Assert.Equal("every time", await OllamaAnswerAsync(http, ("user", "hi")));
        using var other = await JsonAsync(http, Post("api/chat", new { model = "other:3b", messages = new[] { new { role = "user", content = "hi" } }, stream = false }));
        Assert.Equal("other's answer", other.RootElement.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Turns_WithNoMatch_AnswerPlainlyThatNothingIsScripted()
    {
        await using var server = await StartAsync(Greeting);
        using var http = Http(server);

        Assert.Equal(FakeModelScript.NoAnswerText, await OllamaAnswerAsync(http, ("user", "tell me a story")));
        Assert.Equal("I have no scripted answer for this.", FakeModelScript.NoAnswerText);
    }

    [Fact]
    public async Task Turns_MatchTheToolResultInEachProtocol()
    {
        await using var server = await StartAsync(Weather, new ScriptedTurn { WhenContains = "sunny, 21", Text = "It is sunny." });
        using var http = Http(server);

        using var ollama = await JsonAsync(http, Post("api/chat", new
        {
            model = Model,
            stream = false,
            messages = new object[]
            {
                new { role = "user", content = "what is the weather?" },
                new { role = "assistant", content = "", tool_calls = new[] { new { function = new { name = "get_weather", arguments = new { city = "Paris" } } } } },
                new { role = "tool", content = "sunny, 21 degrees" },
            },
        }));
        using var openAi = await JsonAsync(http, Post("v1/chat/completions", new
        {
            model = Model,
            messages = new object[]
            {
                new { role = "user", content = new[] { new { type = "text", text = "what is the weather?" } } },
                new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = "call_1", type = "function", function = new { name = "get_weather", arguments = "{}" } } } },
                new { role = "tool", tool_call_id = "call_1", content = "sunny, 21 degrees" },
            },
        }));
        using var anthropic = await JsonAsync(http, WithHeader(Post("v1/messages", new
        {
            model = Model,
            max_tokens = 100,
            messages = new object[]
            {
                new { role = "user", content = "what is the weather?" },
                new { role = "assistant", content = new[] { new { type = "tool_use", id = "toolu_1", name = "get_weather", input = new { city = "Paris" } } } },
                new { role = "user", content = new[] { new { type = "tool_result", tool_use_id = "toolu_1", content = "sunny, 21 degrees" } } },
            },
        }), "anthropic-version", "2023-06-01"));

        Assert.Equal("It is sunny.", ollama.RootElement.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("It is sunny.", openAi.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("It is sunny.", anthropic.RootElement.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Turns_AddedWhileTheServerRuns_AnswerTheNextRequest()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);

        Assert.Equal(FakeModelScript.NoAnswerText, await OllamaAnswerAsync(http, ("user", "ping")));
        server.Script.AddTurn(new ScriptedTurn { WhenContains = "ping", Text = "pong" });
        Assert.Equal("pong", await OllamaAnswerAsync(http, ("user", "ping")));
    }

    [Fact]
    public async Task Text_IsStreamedAsWordsWithTheirFollowingWhitespace()
    {
        await using var server = await StartAsync(new ScriptedTurn { Text = "  Two  words\nand more " });
        using var http = Http(server);

        var chunks = await ReadNdjsonAsync(await SendAsync(http, Ollama("api/chat", "hi")));

        Assert.Equal(["  Two  ", "words\n", "and ", "more ", ""], chunks.Select(c => c.GetProperty("message").GetProperty("content").GetString()));
    }

    // ---- Standalone ----

    [Fact]
    public async Task StandaloneMode_ServesTheScriptOnTheGivenPort()
    {
        var port = FreePort();
        await using var child = ChildProcess.StartMode(
            "serve-models", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--script", Path.Combine(AppContext.BaseDirectory, "Models", "example-script.yaml"));

        var line = await child.WaitForLineAsync(l => l.StartsWith("fake model server", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        using var tags = await JsonAsync(http, new HttpRequestMessage(HttpMethod.Get, "api/tags"));

        Assert.Equal($"fake model server listening on http://127.0.0.1:{port}/", line);
        Assert.Contains(tags.RootElement.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == "qwen2.5-coder:7b");
    }

    // ---- Helpers ----

    private static async Task<FakeModelServer> StartAsync(params ScriptedTurn[] turns)
    {
        var script = new FakeModelScript();
        script.Turns.AddRange(turns);
        return await FakeModelServer.StartAsync(script);
    }

    private static HttpClient Http(FakeModelServer server) => new() { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(10) };

    private static HttpRequestMessage Post(string path, object body) => new(HttpMethod.Post, path)
    {
        Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
    };

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static HttpRequestMessage Ollama(string path, string text, bool stream = true) =>
        Post(path, new { model = Model, messages = new[] { new { role = "user", content = text } }, stream });

    private static HttpRequestMessage OpenAi(string text, bool stream, bool includeUsage = false, string model = Model) =>
        Post("v1/chat/completions", new
        {
            model,
            messages = new[] { new { role = "user", content = text } },
            stream,
            stream_options = stream ? new { include_usage = includeUsage } : null,
        });

    private static HttpRequestMessage Anthropic(string text, bool stream, string model = Model) =>
        WithHeader(Post("v1/messages", new { model, max_tokens = 256, messages = new[] { new { role = "user", content = text } }, stream }), "anthropic-version", "2023-06-01");

    private static HttpRequestMessage Chat(string protocol, string text, bool stream, string model = Model) => protocol switch
    {
        "ollama" => Post("api/chat", new { model, messages = new[] { new { role = "user", content = text } }, stream }),
        "openai" => OpenAi(text, stream, model: model),
        _ => Anthropic(text, stream, model),
    };

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request) =>
        http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

    private static async Task<JsonDocument> JsonAsync(HttpClient http, HttpRequestMessage request, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await SendAsync(http, request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    private static async Task<List<JsonElement>> ReadNdjsonAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
            Assert.EndsWith("\n", body, StringComparison.Ordinal);
            return [.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];
        }
    }

    /// <summary>The events of a server-sent event stream, read from the raw lines.</summary>
    private static async Task<List<(string? Event, string Data)>> ReadSseAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
            var events = new List<(string? Event, string Data)>();
            foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            {
                var lines = block.Split('\n');
                var name = lines.FirstOrDefault(l => l.StartsWith("event: ", StringComparison.Ordinal))?["event: ".Length..];
                var data = lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
                events.Add((name, data));
            }

            return events;
        }
    }

    private static async Task<string> OllamaErrorAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").GetString()!;
    }

    /// <summary>The error's type (none for Ollama) and message, from the protocol's error body.</summary>
    private static async Task<(string? Type, string Message)> ProtocolErrorAsync(string protocol, HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        switch (protocol)
        {
            case "ollama":
                return (null, root.GetProperty("error").GetString()!);
            case "anthropic":
                Assert.Equal("error", root.GetProperty("type").GetString());
                break;
            default:
                break;
        }

        var error = root.GetProperty("error");
        return (error.GetProperty("type").GetString(), error.GetProperty("message").GetString()!);
    }

    private static async Task<string?> OllamaAnswerAsync(HttpClient http, params (string Role, string Content)[] messages)
    {
        using var answer = await JsonAsync(http, Post("api/chat", new
        {
            model = Model,
            stream = false,
            messages = messages.Select(m => new { role = m.Role, content = m.Content }),
        }));
        return answer.RootElement.GetProperty("message").GetProperty("content").GetString();
    }

    private static AIFunctionDeclaration WeatherTool() => AIFunctionFactory.CreateDeclaration(
        "get_weather",
        "The weather in a city",
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}""").RootElement);

    private static async Task<List<ChatResponseUpdate>> ReadAllAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var all = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            all.Add(update);
        }

        return all;
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
