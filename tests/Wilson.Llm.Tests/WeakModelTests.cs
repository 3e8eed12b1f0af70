using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Wilson.Testing.Models;
using Message = (string Role, string Text, string? CallName, string? CallArguments);
using Reply = (string Text, System.Collections.Generic.List<(string Name, string Arguments)> Calls, string Finish, int OutputTokens);

namespace Wilson.Llm.Tests;

/// <summary>
/// The fake model server's weak model, over real HTTP on the three protocols: what each behaviour puts on
/// the wire, that a seed and a conversation always give the same answer, and that the log says what was played.
/// </summary>
public sealed partial class WeakModelTests
{
    private const string Model = FakeModelScript.DefaultModelName;
    private const string ErrorResult = "error: write_file: mode must be one of overwrite, append";
    private const string EarlierArguments = """{"path":"hello.txt","content":"hi","mode":"sideways"}""";

    private const string ReadFileSchema =
        """{"type":"object","properties":{"path":{"type":"string"},"limit":{"type":"integer"}},"required":["path"]}""";

    private const string WriteFileSchema = """
        {"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"},
        "mode":{"type":"string","enum":["overwrite","append"]},"lines":{"type":"array","items":{"type":"string"}},
        "options":{"type":"object","properties":{"backup":{"type":"boolean"},"encoding":{"type":"string"}},"required":["backup"]}},
        "required":["path","content"]}
        """;

    private const string FinishSchema = """
        {"type":"object","properties":{"result":{"type":"string","enum":["pass","fail","blocked"]},"summary":{"type":"string"},"handoff":{"type":"string"}},"required":["result","summary"]}
        """;

    private static readonly string[] Protocols = ["ollama", "openai", "anthropic"];

    private static readonly (string Name, string Schema)[] Tools =
        [("read_file", ReadFileSchema), ("write_file", WriteFileSchema), ("finish", FinishSchema)];

    private static readonly string[] Behaviours =
    [
        "call_random_tool", "unknown_tool", "broken_json", "arguments_as_string", "wrong_types", "repeat_last_call",
        "retry_required_only", "text_only", "endless_text", "finish_early", "finish_junk",
    ];

    /// <summary>A developer's conversation: a task naming files, a call to write_file, and its refusal.</summary>
    private static readonly Message[] AfterARefusal =
    [
        Said("system", "You are a developer. Work in the repository."),
        Said("user", "Create hello.txt that says hi, then fix src/app.py."),
        ("assistant", "", "write_file", EarlierArguments),
        Said("tool", ErrorResult),
    ];

    public static TheoryData<string> EachProtocol
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var protocol in Protocols)
            {
                data.Add(protocol);
            }

            return data;
        }
    }

    public static TheoryData<string, bool> EachProtocolStreamedOrNot
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var protocol in Protocols)
            {
                data.Add(protocol, true);
                data.Add(protocol, false);
            }

            return data;
        }
    }

    // ---- determinism and spread ----

    [Theory]
    [MemberData(nameof(EachProtocol))]
    public async Task Answer_SameSeedAndConversation_GivesTheSameAnswerWhateverArrivesAlongside(string protocol)
    {
        await using var first = await FakeModelServer.StartAsync();
        await using var second = await FakeModelServer.StartAsync();
        using var firstHttp = Http(first);
        using var secondHttp = Http(second);
        Message[] other = [Said("user", "Say something about src/main.rs.")];
        var answers = new HashSet<string>(StringComparer.Ordinal);

        for (var seed = 0; seed < 12; seed++)
        {
            first.Script.WeakModel = new WeakModel(seed);
            second.Script.WeakModel = new WeakModel(seed);

            // Concurrently, with another conversation in between, on one server; alone and in the other order on the other.
            var together = await Task.WhenAll(
                AskAsync(firstHttp, protocol, Body(protocol, AfterARefusal, maxTokens: 40)),
                AskAsync(firstHttp, protocol, Body(protocol, other, maxTokens: 40)),
                AskAsync(firstHttp, protocol, Body(protocol, AfterARefusal, maxTokens: 40)));
            var otherAlone = await AskAsync(secondHttp, protocol, Body(protocol, other, maxTokens: 40));
            var alone = await AskAsync(secondHttp, protocol, Body(protocol, AfterARefusal, maxTokens: 40));

            Assert.Equal(Show(alone), Show(together[0]));
            Assert.Equal(Show(alone), Show(together[2]));
            Assert.Equal(Show(otherAlone), Show(together[1]));
            answers.Add(Show(alone));
        }

        Assert.Equal(
            first.WeakModelLog.Select(p => p.ToString()).Order(StringComparer.Ordinal),
            // The first server answered the conversation twice and the other once per seed; the second once each (other first).
        second.WeakModelLog.Concat(second.WeakModelLog.Where((_, i) => i % 2 == 1)).Select(p => p.ToString()).Order(StringComparer.Ordinal));
        Assert.True(answers.Count > 6, $"12 seeds gave only {answers.Count} different answers");
    }

    [Theory]
    [MemberData(nameof(EachProtocol))]
    public async Task Answer_OverTwoHundredSeeds_PlaysEveryBehaviour(string protocol)
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);

        for (var seed = 0; seed < 200; seed++)
        {
            server.Script.WeakModel = new WeakModel(seed);
            await AskAsync(http, protocol, Body(protocol, AfterARefusal, maxTokens: 30));
        }

        var log = server.WeakModelLog;
        Assert.Equal(200, log.Count);
        Assert.Equal(Behaviours.Order(StringComparer.Ordinal), log.Select(p => p.Name).Distinct().Order(StringComparer.Ordinal));
        Assert.All(log, p => Assert.False(p.InText));
    }

    [Fact]
    public async Task Answer_WithoutNativeToolsOverTwoHundredSeeds_PlaysEveryBehaviourAsFencedBlocks()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);
        Message[] conversation =
        [
            Said("system", TextToolPrompt()),
            Said("user", "Create hello.txt that says hi, then fix src/app.py."),
            Said("assistant", $"I will write it.\n```json\n{{\"tool\": \"write_file\", \"arguments\": {EarlierArguments}}}\n```"),
            Said("user", $"Result of write_file:\n{ErrorResult}"),
        ];

        for (var seed = 0; seed < 200; seed++)
        {
            server.Script.WeakModel = new WeakModel(seed) { EndlessTokens = 50 };
            var reply = await AskAsync(http, "ollama", Body("ollama", conversation, withTools: false));

            var play = server.WeakModelLog[^1];
            Assert.Empty(reply.Calls);
            if (play.Tool is not null)
            {
                Assert.True(play.InText);
                Assert.Contains($"```json\n{{\"tool\": \"{play.Tool}\", \"arguments\": ", reply.Text, StringComparison.Ordinal);
            }
        }

        Assert.Equal(Behaviours.Order(StringComparer.Ordinal), server.WeakModelLog.Select(p => p.Name).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ScriptedTurn_WhenOneMatches_WinsOverTheWeakModel()
    {
        var script = new FakeModelScript { WeakModel = WeakModel.Only(WeakBehaviour.UnknownTool) }
            .AddTurn(new ScriptedTurn { WhenContains = "greet", Text = "Hello there." });
        await using var server = await FakeModelServer.StartAsync(script);
        using var http = Http(server);

        var scripted = await AskAsync(http, "openai", Body("openai", [Said("user", "please greet me")]));
        var weak = await AskAsync(http, "openai", Body("openai", AfterARefusal));

        Assert.Equal("Hello there.", scripted.Text);
        Assert.Empty(scripted.Calls);
        Assert.Contains(Assert.Single(weak.Calls).Name, new[] { "bash", "shell", "do_task", "write" });
        Assert.Equal("unknown_tool", Assert.Single(server.WeakModelLog).Name);
    }

    // ---- behaviours ----

    [Theory]
    [MemberData(nameof(EachProtocolStreamedOrNot))]
    public async Task CallRandomTool_Arguments_AreAnObjectWithTheRequiredProperties(string protocol, bool stream)
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);
        var strings = new List<string>();

        for (var seed = 0; seed < 20; seed++)
        {
            server.Script.WeakModel = WeakModel.Only(WeakBehaviour.CallRandomTool, seed);
            var call = Assert.Single((await AskAsync(http, protocol, Body(protocol, AfterARefusal, stream))).Calls);

            var schema = Assert.Single(Tools, t => t.Name == call.Name).Schema;
            using var arguments = JsonDocument.Parse(call.Arguments);
            Assert.Equal(JsonValueKind.Object, arguments.RootElement.ValueKind);
            foreach (var required in Required(schema))
            {
                Assert.True(arguments.RootElement.TryGetProperty(required, out _), $"{call.Name} {call.Arguments} lacks {required}");
            }

            strings.AddRange(arguments.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Value.GetString()!));
        }

        // The junk is plausible: file names from the conversation turn up.
        Assert.Contains(strings, s => s is "hello.txt" or "src/app.py");
    }

    [Theory]
    [MemberData(nameof(EachProtocol))]
    public async Task UnknownTool_Answer_CallsAToolThatIsNotOffered(string protocol)
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelScript { WeakModel = WeakModel.Only(WeakBehaviour.UnknownTool) });
        using var http = Http(server);

        var call = Assert.Single((await AskAsync(http, protocol, Body(protocol, AfterARefusal))).Calls);

        Assert.Contains(call.Name, new[] { "bash", "shell", "do_task", "write" });
        Assert.DoesNotContain(Tools, t => t.Name == call.Name);
        Assert.Equal(call.Name, server.WeakModelLog[^1].Tool);
    }

    [Theory]
    [InlineData("openai", true)]
    [InlineData("openai", false)]
    [InlineData("anthropic", true)]
    public async Task BrokenJson_WhereTheWireCarriesText_SendsArgumentsThatAreNotJson(string protocol, bool stream)
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelScript { WeakModel = WeakModel.Only(WeakBehaviour.BrokenJson, 3) });
        using var http = Http(server);

        var call = Assert.Single((await AskAsync(http, protocol, Body(protocol, AfterARefusal, stream))).Calls);

        Assert.StartsWith("{", call.Arguments, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(call.Arguments));
        Assert.Equal(call.Arguments, server.WeakModelLog[^1].Arguments);
        Assert.Equal("broken_json", server.WeakModelLog[^1].Name);
    }

    [Theory]
    [InlineData("ollama", true)]
    [InlineData("ollama", false)]
    [InlineData("anthropic", false)]
    public async Task BrokenJson_WhereTheWireNeedsJson_SendsTheArgumentsAsAString(string protocol, bool stream)
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelScript { WeakModel = WeakModel.Only(WeakBehaviour.BrokenJson, 3) });
        using var http = Http(server);

        var call = Assert.Single((await AskAsync(http, protocol, Body(protocol, AfterARefusal, stream))).Calls);

        AssertObjectInAString(call.Arguments);
        Assert.Equal("broken_json", server.WeakModelLog[^1].Name);
    }

    [Theory]
    [MemberData(nameof(EachProtocolStreamedOrNot))]
    public async Task ArgumentsAsString_OnEachProtocol_SendsTheArgumentsObjectAsAJsonString(string protocol, bool stream)
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelScript { WeakModel = WeakModel.Only(WeakBehaviour.ArgumentsAsString, 5) });
        using var http = Http(server);

        // OpenAI's arguments string holds a JSON string; Ollama's arguments and Anthropic's input are one.
        var call = Assert.Single((await AskAsync(http, protocol, Body(protocol, AfterARefusal, stream))).Calls);

        AssertObjectInAString(call.Arguments);
        Assert.StartsWith("\"{", call.Arguments, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EachProtocol))]
    public async Task WrongTypes_Arguments_HaveValuesOfOtherTypesThanTheSchemaSays(string protocol)
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);

        for (var seed = 0; seed < 10; seed++)
        {
            server.Script.WeakModel = WeakModel.Only(WeakBehaviour.WrongTypes, seed);
            var call = Assert.Single((await AskAsync(http, protocol, Body(protocol, AfterARefusal))).Calls);

            using var schema = JsonDocument.Parse(Assert.Single(Tools, t => t.Name == call.Name).Schema);
            using var arguments = JsonDocument.Parse(call.Arguments);
            var properties = arguments.RootElement.EnumerateObject().ToList();
            Assert.NotEmpty(properties);
            foreach (var property in properties)
            {
                var declared = schema.RootElement.GetProperty("properties").GetProperty(property.Name);
                Assert.False(Matches(declared, property.Value), $"{call.Name}.{property.Name} = {property.Value.GetRawText()} has the right type");
            }
        }
    }

    [Theory]
    [MemberData(nameof(EachProtocol))]
    public async Task RepeatLastCall_AfterACall_MakesTheSameCallAgain(string protocol)
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelScript { WeakModel = WeakModel.Only(WeakBehaviour.RepeatLastCall) });
        using var http = Http(server);

        var call = Assert.Single((await AskAsync(http, protocol, Body(protocol, AfterARefusal))).Calls);

        Assert.Equal("write_file", call.Name);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(EarlierArguments), JsonNode.Parse(call.Arguments)), call.Arguments);
    }

    [Theory]
    [MemberData(nameof(EachProtocolStreamedOrNot))]
    public async Task RetryRequiredOnly_AfterAnErrorResult_CallsTheFailedToolWithOnlyItsRequiredArguments(string protocol, bool stream)
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelScript { WeakModel = WeakModel.Only(WeakBehaviour.RetryRequiredOnly) });
        using var http = Http(server);

        var call = Assert.Single((await AskAsync(http, protocol, Body(protocol, AfterARefusal, stream))).Calls);

        Assert.Equal("write_file", call.Name);
        using var arguments = JsonDocument.Parse(call.Arguments);
        Assert.Equal(["content", "path"], arguments.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("retry_required_only", server.WeakModelLog[^1].Name);
    }

    [Theory]
    [MemberData(nameof(EachProtocol))]
    public async Task RetryRequiredOnly_WhenTheLastResultIsNoError_AnswersWithTextOnly(string protocol)
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelScript { WeakModel = WeakModel.Only(WeakBehaviour.RetryRequiredOnly) });
        using var http = Http(server);
        Message[] succeeded = [.. AfterARefusal[..^1], Said("tool", "wrote 2 bytes to hello.txt")];

        var reply = await AskAsync(http, protocol, Body(protocol, succeeded));

        Assert.Empty(reply.Calls);
        Assert.NotEmpty(reply.Text);
        Assert.Equal("text_only", server.WeakModelLog[^1].Name);
    }

    [Theory]
    [MemberData(nameof(EachProtocolStreamedOrNot))]
    public async Task TextOnly_Answer_IsTextWithoutAToolCall(string protocol, bool stream)
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelScript { WeakModel = WeakModel.Only(WeakBehaviour.TextOnly, 9) });
        using var http = Http(server);

        var reply = await AskAsync(http, protocol, Body(protocol, AfterARefusal, stream));

        Assert.Empty(reply.Calls);
        Assert.True(Words(reply.Text) >= 5, reply.Text);
        Assert.Equal(protocol == "anthropic" ? "end_turn" : "stop", reply.Finish);
    }

    [Theory]
    [MemberData(nameof(EachProtocolStreamedOrNot))]
    public async Task EndlessText_WithMaxTokens_StopsThereWithFinishReasonLength(string protocol, bool stream)
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelScript { WeakModel = WeakModel.Only(WeakBehaviour.EndlessText) });
        using var http = Http(server);

        var reply = await AskAsync(http, protocol, Body(protocol, AfterARefusal, stream, maxTokens: 37));

        Assert.Empty(reply.Calls);
        Assert.Equal(37, Words(reply.Text));
        Assert.Equal(37, reply.OutputTokens);
        Assert.Equal(protocol == "anthropic" ? "max_tokens" : "length", reply.Finish);
    }

    [Theory]
    [InlineData("ollama")]
    [InlineData("openai")]
    public async Task EndlessText_WithoutALimitInTheRequest_StopsAtEndlessTokens(string protocol)
    {
        var weak = WeakModel.Only(WeakBehaviour.EndlessText) with { EndlessTokens = 120 };
        await using var server = await FakeModelServer.StartAsync(new FakeModelScript { WeakModel = weak });
        using var http = Http(server);

        var reply = await AskAsync(http, protocol, Body(protocol, AfterARefusal));

        Assert.Equal(120, Words(reply.Text));
        Assert.Equal("length", reply.Finish);
    }

    [Theory]
    [MemberData(nameof(EachProtocol))]
    public async Task FinishEarly_WithFinishOffered_ClaimsAPassAtOnce(string protocol)
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelScript { WeakModel = WeakModel.Only(WeakBehaviour.FinishEarly) });
        using var http = Http(server);

        var call = Assert.Single((await AskAsync(http, protocol, Body(protocol, [Said("user", "Fix the failing tests.")]))).Calls);

        Assert.Equal("finish", call.Name);
        using var arguments = JsonDocument.Parse(call.Arguments);
        Assert.Equal("pass", arguments.RootElement.GetProperty("result").GetString());
        Assert.Equal("All done; the tests pass.", arguments.RootElement.GetProperty("summary").GetString());
    }

    [Theory]
    [MemberData(nameof(EachProtocol))]
    public async Task FinishJunk_WithFinishOffered_CallsFinishWithoutAValidResultAndSummary(string protocol)
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);

        for (var seed = 0; seed < 8; seed++)
        {
            server.Script.WeakModel = WeakModel.Only(WeakBehaviour.FinishJunk, seed);
            var call = Assert.Single((await AskAsync(http, protocol, Body(protocol, AfterARefusal))).Calls);

            Assert.Equal("finish", call.Name);
            using var arguments = JsonDocument.Parse(call.Arguments);
            var root = arguments.RootElement;
            var validResult = root.TryGetProperty("result", out var result) && result.GetString() is "pass" or "fail" or "blocked";
            var hasSummary = root.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.String;
            Assert.False(validResult && hasSummary, call.Arguments);
        }
    }

    // ---- text tool calls and JSON answers ----

    [Theory]
    [InlineData("ollama")]
    [InlineData("openai")]
    public async Task CallRandomTool_WithoutNativeTools_WritesAFencedBlockWithTheRequiredArguments(string protocol)
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);
        Message[] conversation = [Said("system", TextToolPrompt()), Said("user", "Create hello.txt that says hi.")];

        for (var seed = 0; seed < 10; seed++)
        {
            server.Script.WeakModel = WeakModel.Only(WeakBehaviour.CallRandomTool, seed);
            var reply = await AskAsync(http, protocol, Body(protocol, conversation, withTools: false));

            Assert.Empty(reply.Calls);
            var block = Fenced().Match(reply.Text);
            Assert.True(block.Success, reply.Text);
            using var json = JsonDocument.Parse(block.Groups[1].Value);
            var name = json.RootElement.GetProperty("tool").GetString();
            var arguments = json.RootElement.GetProperty("arguments");
            Assert.Equal(JsonValueKind.Object, arguments.ValueKind);
            foreach (var required in Required(Assert.Single(Tools, t => t.Name == name).Schema))
            {
                Assert.True(arguments.TryGetProperty(required, out _), $"{name} {arguments.GetRawText()} lacks {required}");
            }
        }
    }

    [Fact]
    public async Task BrokenJson_WithoutNativeTools_WritesAFencedBlockThatIsNotJson()
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelScript { WeakModel = WeakModel.Only(WeakBehaviour.BrokenJson, 2) });
        using var http = Http(server);

        var reply = await AskAsync(http, "ollama", Body("ollama", [Said("system", TextToolPrompt()), Said("user", "Fix src/app.py.")], withTools: false));

        var block = Fenced().Match(reply.Text);
        Assert.True(block.Success, reply.Text);
        Assert.StartsWith("{\"tool\": ", block.Groups[1].Value, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(block.Groups[1].Value));
        Assert.True(server.WeakModelLog[^1].InText);
    }

    [Theory]
    [InlineData("openai", true)]
    [InlineData("openai", false)]
    [InlineData("ollama", true)]
    [InlineData("ollama", false)]
    public async Task JsonResponseFormat_WithASchema_GetsABareJsonDocumentThatHasTheRequiredProperties(string protocol, bool stream)
    {
        const string Schema = """
            {"type":"object","properties":{"title":{"type":"string"},"risk":{"type":"string","enum":["low","high"]},
            "steps":{"type":"array","minItems":1,"items":{"type":"object","properties":{"name":{"type":"string"},
            "size":{"type":"integer","minimum":1,"maximum":5}},"required":["name","size"]}}},"required":["title","risk","steps"]}
            """;
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);

        for (var seed = 0; seed < 10; seed++)
        {
            server.Script.WeakModel = new WeakModel(seed);
            var body = Body(protocol, [Said("user", "Plan the work on src/app.py.")], stream, withTools: false);
            if (protocol == "openai")
            {
                body["response_format"] = new JsonObject
                {
                    ["type"] = "json_schema",
                    ["json_schema"] = new JsonObject { ["name"] = "plan", ["schema"] = JsonNode.Parse(Schema) },
                };
            }
            else
            {
                body["format"] = JsonNode.Parse(Schema);
            }

            var reply = await AskAsync(http, protocol, body);

            Assert.Empty(reply.Calls);
            using var answer = JsonDocument.Parse(reply.Text);
            var root = answer.RootElement;
            Assert.Equal(JsonValueKind.String, root.GetProperty("title").ValueKind);
            Assert.Contains(root.GetProperty("risk").GetString(), new[] { "low", "high" });
            var steps = root.GetProperty("steps").EnumerateArray().ToList();
            Assert.NotEmpty(steps);
            Assert.All(steps, step =>
            {
                Assert.Equal(JsonValueKind.String, step.GetProperty("name").ValueKind);
                Assert.InRange(step.GetProperty("size").GetInt32(), 1, 5);
            });
            Assert.Equal("json_answer", server.WeakModelLog[^1].Name);
        }
    }

    // ---- the log ----

    [Fact]
    public async Task WeakModelLog_RecordsEachRequest()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var http = Http(server);
        var replies = new List<Reply>();

        foreach (var (behaviour, protocol) in new[]
        {
            (WeakBehaviour.CallRandomTool, "openai"),
            (WeakBehaviour.TextOnly, "ollama"),
            (WeakBehaviour.FinishEarly, "anthropic"),
        })
        {
            server.Script.WeakModel = WeakModel.Only(behaviour, 4);
            replies.Add(await AskAsync(http, protocol, Body(protocol, AfterARefusal)));
        }

        var log = server.WeakModelLog;
        Assert.Equal(["call_random_tool", "text_only", "finish_early"], log.Select(p => p.Name));
        Assert.Equal(replies[0].Calls[0].Name, log[0].Tool);
        Assert.Equal(replies[0].Calls[0].Arguments, log[0].Arguments);
        Assert.Null(log[1].Tool);
        Assert.Equal("finish", log[2].Tool);
        Assert.StartsWith("finish_early finish {\"result\":\"pass\"", log[2].ToString(), StringComparison.Ordinal);
    }

    // ---- helpers ----

    private static HttpClient Http(FakeModelServer server) => new() { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Wilson's text tool list, as its system prompt has it for a model without native tools.</summary>
    private static string TextToolPrompt() =>
        "You are a developer.\n\n## Calling tools\nYou call a tool by writing a fenced JSON block.\nThe tools:"
        + string.Concat(Tools.Select(t => $"\n- {t.Name}: Does {t.Name}. Arguments (JSON schema): {JsonNode.Parse(t.Schema)!.ToJsonString()}"))
        + "\n\nBe brief.";

    /// <summary>A chat request in <paramref name="protocol"/>'s shape, with the tools (unless not) and an output limit (if any).</summary>
    private static JsonObject Body(string protocol, Message[] messages, bool stream = false, int? maxTokens = null, bool withTools = true)
    {
        var body = new JsonObject { ["model"] = Model, ["stream"] = stream };
        var wire = new JsonArray();
        foreach (var message in messages)
        {
            if (protocol == "anthropic" && message.Role == "system")
            {
                body["system"] = message.Text;
                continue;
            }

            wire.Add(protocol switch
            {
                "anthropic" => AnthropicMessage(message),
                "ollama" => OllamaMessage(message),
                _ => OpenAiMessage(message),
            });
        }

        body["messages"] = wire;
        if (withTools)
        {
            body["tools"] = new JsonArray([.. Tools.Select(t => protocol == "anthropic"
                ? (JsonNode)new JsonObject { ["name"] = t.Name, ["description"] = $"Does {t.Name}.", ["input_schema"] = JsonNode.Parse(t.Schema) }
                : new JsonObject
                {
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = t.Name, ["description"] = $"Does {t.Name}.", ["parameters"] = JsonNode.Parse(t.Schema) },
                })]);
        }

        switch (protocol)
        {
            case "anthropic":
                body["max_tokens"] = maxTokens ?? 1024;
                break;
            case "ollama" when maxTokens is not null:
                body["options"] = new JsonObject { ["num_predict"] = maxTokens };
                break;
            case "openai" when maxTokens is not null:
                body["max_completion_tokens"] = maxTokens;
                break;
            default:
                break;
        }

        if (protocol == "openai" && stream)
        {
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return body;
    }

    private static JsonObject OpenAiMessage(Message message) => message switch
    {
        { Role: "tool" } => new JsonObject { ["role"] = "tool", ["tool_call_id"] = "call_0", ["content"] = message.Text },
        { CallName: { } name } => new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = message.Text.Length == 0 ? null : message.Text,
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = "call_0",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = name, ["arguments"] = message.CallArguments },
            }),
        },
        _ => new JsonObject { ["role"] = message.Role, ["content"] = message.Text },
    };

    private static JsonObject OllamaMessage(Message message) => message.CallName is { } name
        ? new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = message.Text,
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["function"] = new JsonObject { ["name"] = name, ["arguments"] = JsonNode.Parse(message.CallArguments!) },
            }),
        }
        : new JsonObject { ["role"] = message.Role, ["content"] = message.Text };

    private static JsonObject AnthropicMessage(Message message) => message switch
    {
        { Role: "tool" } => new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = "toolu_0", ["content"] = message.Text }),
        },
        { CallName: { } name } => new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = new JsonArray(new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = "toolu_0",
                ["name"] = name,
                ["input"] = JsonNode.Parse(message.CallArguments!),
            }),
        },
        _ => new JsonObject { ["role"] = message.Role, ["content"] = message.Text },
    };

    /// <summary>Sends a chat request and reads the answer, streamed or whole, into text, calls (arguments as the wire had them), finish reason and output tokens.</summary>
    private static async Task<Reply> AskAsync(HttpClient http, string protocol, JsonObject body)
    {
        var path = protocol switch
        {
            "ollama" => "api/chat",
            "openai" => "v1/chat/completions",
            _ => "v1/messages",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (protocol == "anthropic")
        {
            request.Headers.Add("anthropic-version", "2023-06-01");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        var stream = body["stream"]!.GetValue<bool>();
        return (protocol, stream) switch
        {
            ("ollama", true) => Ollama([.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)]),
            ("ollama", false) => Ollama([text]),
            ("openai", true) => OpenAiStreamed(SseData(text)),
            ("openai", false) => OpenAiWhole(text),
            (_, true) => AnthropicStreamed(SseData(text)),
            _ => AnthropicWhole(text),
        };
    }

    private static Reply Ollama(string[] lines)
    {
        var reply = NewReply();
        foreach (var line in lines)
        {
            using var chunk = JsonDocument.Parse(line);
            var message = chunk.RootElement.GetProperty("message");
            reply.Text += message.GetProperty("content").GetString();
            if (message.TryGetProperty("tool_calls", out var calls))
            {
                reply.Calls.AddRange(calls.EnumerateArray().Select(c => c.GetProperty("function")).Select(f =>
                    (f.GetProperty("name").GetString()!, f.GetProperty("arguments").GetRawText())));
            }

            if (chunk.RootElement.GetProperty("done").GetBoolean())
            {
                reply.Finish = chunk.RootElement.GetProperty("done_reason").GetString()!;
                reply.OutputTokens = chunk.RootElement.GetProperty("eval_count").GetInt32();
            }
        }

        return reply;
    }

    private static Reply OpenAiWhole(string text)
    {
        using var completion = JsonDocument.Parse(text);
        var choice = completion.RootElement.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        var reply = NewReply();
        reply.Text = message.GetProperty("content").GetString() ?? "";
        if (message.TryGetProperty("tool_calls", out var calls))
        {
            reply.Calls.AddRange(calls.EnumerateArray().Select(c => c.GetProperty("function")).Select(f =>
                (f.GetProperty("name").GetString()!, f.GetProperty("arguments").GetString()!)));
        }

        reply.Finish = choice.GetProperty("finish_reason").GetString()!;
        reply.OutputTokens = completion.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
        return reply;
    }

    private static Reply OpenAiStreamed(List<string> events)
    {
        var reply = NewReply();
        var arguments = new List<StringBuilder>();
        foreach (var data in events.Where(d => d != "[DONE]"))
        {
            using var chunk = JsonDocument.Parse(data);
            if (chunk.RootElement.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                reply.OutputTokens = usage.GetProperty("completion_tokens").GetInt32();
            }

            foreach (var choice in chunk.RootElement.GetProperty("choices").EnumerateArray())
            {
                var delta = choice.GetProperty("delta");
                if (delta.TryGetProperty("content", out var content))
                {
                    reply.Text += content.GetString();
                }

                List<JsonElement> calls = delta.TryGetProperty("tool_calls", out var toolCalls) ? [.. toolCalls.EnumerateArray()] : [];
                foreach (var call in calls)
                {
                    var function = call.GetProperty("function");
                    if (function.TryGetProperty("name", out var name))
                    {
                        reply.Calls.Add((name.GetString()!, ""));
                        arguments.Add(new StringBuilder());
                    }

                    arguments[call.GetProperty("index").GetInt32()].Append(function.GetProperty("arguments").GetString());
                }

                if (choice.GetProperty("finish_reason").GetString() is { } finish)
                {
                    reply.Finish = finish;
                }
            }
        }

        for (var i = 0; i < reply.Calls.Count; i++)
        {
            reply.Calls[i] = (reply.Calls[i].Name, arguments[i].ToString());
        }

        return reply;
    }

    private static Reply AnthropicWhole(string text)
    {
        using var message = JsonDocument.Parse(text);
        var reply = NewReply();
        foreach (var block in message.RootElement.GetProperty("content").EnumerateArray())
        {
            if (block.GetProperty("type").GetString() == "tool_use")
            {
                reply.Calls.Add((block.GetProperty("name").GetString()!, block.GetProperty("input").GetRawText()));
            }
            else
            {
                reply.Text += block.GetProperty("text").GetString();
            }
        }

        reply.Finish = message.RootElement.GetProperty("stop_reason").GetString()!;
        reply.OutputTokens = message.RootElement.GetProperty("usage").GetProperty("output_tokens").GetInt32();
        return reply;
    }

    private static Reply AnthropicStreamed(List<string> events)
    {
        var reply = NewReply();
        var input = new StringBuilder();
        foreach (var data in events)
        {
            using var item = JsonDocument.Parse(data);
            var root = item.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "content_block_start" when root.GetProperty("content_block").GetProperty("type").GetString() == "tool_use":
                    input.Clear();
                    reply.Calls.Add((root.GetProperty("content_block").GetProperty("name").GetString()!, ""));
                    break;
                case "content_block_delta" when root.GetProperty("delta").GetProperty("type").GetString() == "input_json_delta":
                    input.Append(root.GetProperty("delta").GetProperty("partial_json").GetString());
                    reply.Calls[^1] = (reply.Calls[^1].Name, input.ToString());
                    break;
                case "content_block_delta":
                    reply.Text += root.GetProperty("delta").GetProperty("text").GetString();
                    break;
                case "message_delta":
                    reply.Finish = root.GetProperty("delta").GetProperty("stop_reason").GetString()!;
                    reply.OutputTokens = root.GetProperty("usage").GetProperty("output_tokens").GetInt32();
                    break;
                default:
                    break;
            }
        }

        return reply;
    }

    private static Reply NewReply() => ("", [], "", 0);

    private static Message Said(string role, string text) => (role, text, null, null);

    private static List<string> SseData(string body) =>
        [.. body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..])];

    private static string Show(Reply reply) =>
        $"{reply.Text}|{string.Join("|", reply.Calls.Select(c => $"{c.Name} {c.Arguments}"))}|{reply.Finish}|{reply.OutputTokens}";

    private static int Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static IEnumerable<string> Required(string schema) =>
        JsonNode.Parse(schema)!["required"]!.AsArray().Select(r => r!.GetValue<string>());

    private static void AssertObjectInAString(string arguments)
    {
        using var outer = JsonDocument.Parse(arguments);
        Assert.Equal(JsonValueKind.String, outer.RootElement.ValueKind);
        using var inner = JsonDocument.Parse(outer.RootElement.GetString()!);
        Assert.Equal(JsonValueKind.Object, inner.RootElement.ValueKind);
    }

    /// <summary>True when <paramref name="value"/> has the type (or enum value) <paramref name="schema"/> declares.</summary>
    private static bool Matches(JsonElement schema, JsonElement value)
    {
        if (schema.TryGetProperty("enum", out var options))
        {
            return options.EnumerateArray().Any(o => o.GetRawText() == value.GetRawText());
        }

        return schema.GetProperty("type").GetString() switch
        {
            "string" => value.ValueKind == JsonValueKind.String,
            "integer" or "number" => value.ValueKind == JsonValueKind.Number,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "array" => value.ValueKind == JsonValueKind.Array,
            _ => value.ValueKind == JsonValueKind.Object,
        };
    }

    [GeneratedRegex(@"```json\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex Fenced();
}
