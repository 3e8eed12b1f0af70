using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers.Anthropic;

/// <summary>The body of a streamed <c>POST /v1/messages</c>, from Microsoft.Extensions.AI messages and options.</summary>
internal static class AnthropicRequest
{
    public static JsonObject Body(string model, IEnumerable<ChatMessage> messages, ChatOptions? options, int defaultMaxTokens)
    {
        var all = messages.ToList();
        var body = new JsonObject
        {
            ["model"] = model,
            // Anthropic requires a limit.
            ["max_tokens"] = options?.MaxOutputTokens ?? defaultMaxTokens,
            ["stream"] = true,
        };
        var system = string.Join("\n\n", all.Where(m => m.Role == ChatRole.System).Select(ChatJson.Text).Where(t => t.Length > 0));
        if (system.Length > 0)
        {
            body["system"] = system;
        }

        body["messages"] = Turns(all.Where(m => m.Role != ChatRole.System));
        if (options is null)
        {
            return body;
        }

        ChatJson.SetIfGiven(body, "temperature", options.Temperature);
        ChatJson.SetIfGiven(body, "top_p", options.TopP);
        ChatJson.SetIfGiven(body, "top_k", options.TopK);

        if (options.StopSequences is { Count: > 0 } stop)
        {
            body["stop_sequences"] = new JsonArray([.. stop.Select(s => (JsonNode?)s)]);
        }

        var tools = options.Tools?.OfType<AIFunctionDeclaration>().ToList();
        if (tools is { Count: > 0 } && options.ToolMode is not NoneChatToolMode)
        {
            body["tools"] = new JsonArray([.. tools.Select(Tool)]);
            if (ToolChoice(options.ToolMode) is { } choice)
            {
                body["tool_choice"] = choice;
            }
        }

        return body;
    }

    // Anthropic's turns alternate user and assistant, and tool results go back as a user turn: messages of
    // the same side that follow each other are merged into one turn of several blocks.
    private static JsonArray Turns(IEnumerable<ChatMessage> messages)
    {
        var turns = new JsonArray();
        JsonObject? last = null;
        foreach (var message in messages)
        {
            var role = message.Role == ChatRole.Assistant ? "assistant" : "user";
            var blocks = Blocks(message);
            if (blocks.Count == 0)
            {
                continue;
            }

            if (last is not null && (string?)last["role"] == role)
            {
                var content = (JsonArray)last["content"]!;
                foreach (var block in blocks)
                {
                    content.Add(block);
                }

                continue;
            }

            last = new JsonObject { ["role"] = role, ["content"] = new JsonArray([.. blocks]) };
            turns.Add(last);
        }

        return turns;
    }

    private static List<JsonNode> Blocks(ChatMessage message)
    {
        var blocks = new List<JsonNode>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    blocks.Add(new JsonObject { ["type"] = "text", ["text"] = text.Text });
                    break;
                case FunctionCallContent call:
                    blocks.Add(new JsonObject { ["type"] = "tool_use", ["id"] = call.CallId, ["name"] = call.Name, ["input"] = ChatJson.ArgumentsNode(call) });
                    break;
                case FunctionResultContent result:
                    blocks.Add(new JsonObject
                    {
                        ["type"] = "tool_result",
                        ["tool_use_id"] = result.CallId,
                        ["content"] = ChatJson.ResultText(result.Result),
                        ["is_error"] = result.Exception is not null,
                    });
                    break;
            }
        }

        return blocks;
    }

    private static JsonNode Tool(AIFunctionDeclaration function)
    {
        var tool = new JsonObject { ["name"] = function.Name };
        if (!string.IsNullOrEmpty(function.Description))
        {
            tool["description"] = function.Description;
        }

        tool["input_schema"] = ChatJson.Schema(function);
        return tool;
    }

    private static JsonObject? ToolChoice(ChatToolMode? mode) => mode switch
    {
        RequiredChatToolMode { RequiredFunctionName: { } name } => new JsonObject { ["type"] = "tool", ["name"] = name },
        RequiredChatToolMode => new JsonObject { ["type"] = "any" },
        AutoChatToolMode => new JsonObject { ["type"] = "auto" },
        _ => null,
    };
}
