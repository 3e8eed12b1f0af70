using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers.Ollama;

/// <summary>Builds Ollama's request bodies from Microsoft.Extensions.AI messages and tools.</summary>
internal static class OllamaJson
{
    public static JsonObject ChatRequest(string model, IEnumerable<ChatMessage> messages, ChatOptions? options, OllamaModelOptions modelOptions)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray([.. messages.SelectMany(Messages)]),
            ["stream"] = true,
        };
        if (modelOptions.KeepAlive is { } keepAlive)
        {
            body["keep_alive"] = KeepAlive(keepAlive);
        }

        var ollamaOptions = new JsonObject();
        ChatJson.SetIfGiven(ollamaOptions, "num_ctx", modelOptions.NumCtx);
        ChatJson.SetIfGiven(ollamaOptions, "temperature", options?.Temperature);
        ChatJson.SetIfGiven(ollamaOptions, "num_predict", options?.MaxOutputTokens ?? modelOptions.NumPredict);

        if (ollamaOptions.Count > 0)
        {
            body["options"] = ollamaOptions;
        }

        // Ollama's structured output: "json", or a JSON schema the answer is constrained to.
        switch (options?.ResponseFormat)
        {
            case ChatResponseFormatJson { Schema: { } schema }:
                body["format"] = JsonNode.Parse(schema.GetRawText());
                break;
            case ChatResponseFormatJson:
                body["format"] = "json";
                break;
        }

        var tools = options?.Tools?.OfType<AIFunctionDeclaration>().Select(ChatJson.FunctionTool).ToList();
        if (tools is { Count: > 0 })
        {
            body["tools"] = new JsonArray([.. tools]);
        }

        return body;
    }

    /// <summary>Ollama's keep_alive: seconds as a number, negative for "stay loaded".</summary>
    public static JsonNode KeepAlive(TimeSpan keepAlive) =>
        keepAlive < TimeSpan.Zero ? JsonValue.Create(-1) : JsonValue.Create((long)keepAlive.TotalSeconds);

    // Ollama takes one tool message per result: a message carrying several results becomes several.
    private static IEnumerable<JsonNode> Messages(ChatMessage message)
    {
        var results = message.Contents.OfType<FunctionResultContent>().ToList();
        return results.Count > 0
            ? results.Select(result => (JsonNode)new JsonObject { ["role"] = "tool", ["content"] = ChatJson.ResultText(result.Result) })
            : [Message(message)];
    }

    private static JsonObject Message(ChatMessage message)
    {
        var json = new JsonObject { ["role"] = ChatJson.Role(message.Role) };
        var text = ChatJson.Text(message);
        var calls = message.Contents.OfType<FunctionCallContent>().ToList();

        json["content"] = text;
        if (calls.Count > 0)
        {
            json["tool_calls"] = new JsonArray([.. calls.Select(c => (JsonNode)new JsonObject
            {
                ["function"] = new JsonObject
                {
                    ["name"] = c.Name,
                    ["arguments"] = ChatJson.ArgumentsNode(c),
                },
            })]);
        }

        return json;
    }
}
