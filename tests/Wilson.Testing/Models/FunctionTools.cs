using System.Text.Json;

namespace Wilson.Testing.Models;

/// <summary>The <c>tools</c> of OpenAI and Ollama requests, which share a shape: <c>{"type":"function","function":{"name","description","parameters"}}</c>.</summary>
internal static class FunctionTools
{
    /// <summary>Every entry of <c>tools</c>, even one without a name, so that <see cref="Conversation.OffersTools"/> sees it.</summary>
    public static IReadOnlyList<OfferedTool> Read(JsonElement body) =>
        [.. HttpJson.Array(body, "tools").Select(tool =>
        {
            var function = HttpJson.Property(tool, "function", out var f) ? f : tool;
            return new OfferedTool(
                HttpJson.String(function, "name") ?? "",
                HttpJson.String(function, "description") ?? "",
                HttpJson.Property(function, "parameters", out var schema) ? schema : null);
        })];

    /// <summary>Name and arguments text of each <c>tool_calls</c> entry of a message.</summary>
    public static IReadOnlyList<ConversationToolCall> Calls(JsonElement message) =>
        [.. HttpJson.Array(message, "tool_calls").Select(call =>
        {
            var function = HttpJson.Property(call, "function", out var f) ? f : call;
            var arguments = HttpJson.Property(function, "arguments", out var a)
                ? a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText()
                : "";
            return new ConversationToolCall(HttpJson.String(function, "name") ?? "", arguments);
        })];
}
