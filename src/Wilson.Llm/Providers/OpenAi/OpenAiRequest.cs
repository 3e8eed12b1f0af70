using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers.OpenAi;

/// <summary>The body of a streamed <c>POST /chat/completions</c>, from Microsoft.Extensions.AI messages and options.</summary>
internal static class OpenAiRequest
{
    /// <summary>The body; <paramref name="defaultMaxTokens"/> limits the answer when <paramref name="options"/> sets no limit.</summary>
    public static JsonObject Body(string model, IEnumerable<ChatMessage> messages, ChatOptions? options, int defaultMaxTokens)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray([.. messages.SelectMany(Messages)]),
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
            // Every call has a limit, or a local model that never stops fills its whole context. max_tokens, not
            // max_completion_tokens: every llama.cpp reads it (only recent ones the newer name), and so do vLLM,
            // LM Studio and OpenAI's non-reasoning models.
            ["max_tokens"] = options?.MaxOutputTokens ?? defaultMaxTokens,
        };
        if (options is null)
        {
            return body;
        }

        ChatJson.SetIfGiven(body, "temperature", options.Temperature);
        ChatJson.SetIfGiven(body, "top_p", options.TopP);
        ChatJson.SetIfGiven(body, "frequency_penalty", options.FrequencyPenalty);
        ChatJson.SetIfGiven(body, "presence_penalty", options.PresencePenalty);
        ChatJson.SetIfGiven(body, "seed", options.Seed);
        if (options.StopSequences is { Count: > 0 } stop)
        {
            body["stop"] = new JsonArray([.. stop.Select(s => (JsonNode?)s)]);
        }

        var tools = options.Tools?.OfType<AIFunctionDeclaration>().ToList();
        if (tools is { Count: > 0 })
        {
            body["tools"] = new JsonArray([.. tools.Select(ChatJson.FunctionTool)]);
            if (ToolChoice(options.ToolMode) is { } choice)
            {
                body["tool_choice"] = choice;
            }
        }

        if (ResponseFormat(options.ResponseFormat) is { } format)
        {
            body["response_format"] = format;
        }

        return body;
    }

    // OpenAI takes one tool message per result: a message carrying several results becomes several.
    private static IEnumerable<JsonNode> Messages(ChatMessage message)
    {
        var results = message.Contents.OfType<FunctionResultContent>().ToList();
        if (results.Count > 0)
        {
            return results.Select(result => (JsonNode)new JsonObject
            {
                ["role"] = "tool",
                ["tool_call_id"] = result.CallId,
                ["content"] = ChatJson.ResultText(result.Result),
            });
        }

        var json = new JsonObject { ["role"] = ChatJson.Role(message.Role), ["content"] = ChatJson.Text(message) };
        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        if (calls.Count > 0)
        {
            json["tool_calls"] = new JsonArray([.. calls.Select(call => (JsonNode)new JsonObject
            {
                ["id"] = call.CallId,
                ["type"] = "function",
                ["function"] = new JsonObject
                {
                    ["name"] = call.Name,
                    // OpenAI's arguments are a string holding the JSON object.
                    ["arguments"] = ChatJson.ArgumentsNode(call)?.ToJsonString() ?? "{}",
                },
            })]);
        }

        return [json];
    }

    private static JsonNode? ToolChoice(ChatToolMode? mode) => mode switch
    {
        NoneChatToolMode => "none",
        RequiredChatToolMode { RequiredFunctionName: { } name } => new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = name },
        },
        RequiredChatToolMode => "required",
        AutoChatToolMode => "auto",
        _ => null,
    };

    private static JsonObject? ResponseFormat(ChatResponseFormat? format) => format switch
    {
        ChatResponseFormatJson { Schema: { } schema } json => new JsonObject
        {
            ["type"] = "json_schema",
            ["json_schema"] = new JsonObject
            {
                ["name"] = json.SchemaName ?? "answer",
                ["description"] = json.SchemaDescription,
                ["schema"] = JsonNode.Parse(schema.GetRawText()),
            },
        },
        ChatResponseFormatJson => new JsonObject { ["type"] = "json_object" },
        _ => null,
    };
}
