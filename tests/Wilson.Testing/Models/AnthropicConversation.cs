using System.Text.Json;

namespace Wilson.Testing.Models;

/// <summary>A <c>/v1/messages</c> body as a <see cref="Conversation"/>.</summary>
internal static class AnthropicConversation
{
    /// <summary>
    /// The system prompt, then each message's text; a tool result becomes a message of its own with the
    /// role <c>tool</c>, and an assistant's <c>tool_use</c> blocks an assistant message without text that carries them.
    /// </summary>
    public static Conversation Read(string model, JsonElement body)
    {
        List<ConversationMessage> messages = [];
        if (HttpJson.Property(body, "system", out var system) && Text(system) is { Length: > 0 } systemText)
        {
            messages.Add(new ConversationMessage("system", systemText));
        }

        foreach (var message in HttpJson.Array(body, "messages"))
        {
            var role = HttpJson.String(message, "role") ?? "user";
            if (!HttpJson.Property(message, "content", out var content))
            {
                continue;
            }

            if (content.ValueKind != JsonValueKind.Array)
            {
                messages.Add(new ConversationMessage(role, Text(content)));
                continue;
            }

            List<ConversationToolCall> calls = [];
            foreach (var block in content.EnumerateArray())
            {
                switch (HttpJson.String(block, "type"))
                {
                    case "text":
                        messages.Add(new ConversationMessage(role, HttpJson.String(block, "text") ?? ""));
                        break;
                    case "tool_result":
                        messages.Add(new ConversationMessage("tool", HttpJson.Property(block, "content", out var result) ? Text(result) : ""));
                        break;
                    case "tool_use":
                        calls.Add(new ConversationToolCall(
                            HttpJson.String(block, "name") ?? "",
                            HttpJson.Property(block, "input", out var input) ? input.GetRawText() : "{}"));
                        break;
                    default:
                        break;
                }
            }

            if (calls.Count > 0)
            {
                messages.Add(new ConversationMessage(role, "") { ToolCalls = calls });
            }
        }

        IReadOnlyList<OfferedTool> tools = [.. HttpJson.Array(body, "tools").Select(tool => new OfferedTool(
            HttpJson.String(tool, "name") ?? "",
            HttpJson.String(tool, "description") ?? "",
            HttpJson.Property(tool, "input_schema", out var schema) ? schema : null))];
        return new Conversation(model, messages, tools) { MaxOutputTokens = HttpJson.Int(body, "max_tokens") };
    }

    /// <summary>A string, or the text blocks of an array joined.</summary>
    private static string Text(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Concat(content.EnumerateArray()
            .Where(block => HttpJson.String(block, "type") == "text")
            .Select(block => HttpJson.String(block, "text"))),
        _ => "",
    };
}
