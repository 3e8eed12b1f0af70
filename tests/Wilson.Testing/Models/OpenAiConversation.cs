using System.Text.Json;

namespace Wilson.Testing.Models;

/// <summary>A <c>/v1/chat/completions</c> body as a <see cref="Conversation"/>.</summary>
internal static class OpenAiConversation
{
    public static Conversation Read(string model, JsonElement body) =>
        new(
            model,
            [.. HttpJson.Array(body, "messages").Select(m => new ConversationMessage(HttpJson.String(m, "role") ?? "user", Text(m))
            {
                ToolCalls = FunctionTools.Calls(m),
            })],
            FunctionTools.Read(body))
        {
            MaxOutputTokens = HttpJson.Int(body, "max_completion_tokens") ?? HttpJson.Int(body, "max_tokens"),
            ResponseFormat = ResponseFormat(body),
        };

    /// <summary>A message's text: the content string, or its text parts joined.</summary>
    private static string Text(JsonElement message)
    {
        if (!HttpJson.Property(message, "content", out var content))
        {
            return "";
        }

        return content.ValueKind switch
        {
            JsonValueKind.String => content.GetString()!,
            JsonValueKind.Array => string.Concat(content.EnumerateArray()
                .Where(part => HttpJson.String(part, "type") == "text")
                .Select(part => HttpJson.String(part, "text"))),
            _ => "",
        };
    }

    private static JsonResponseFormat? ResponseFormat(JsonElement body)
    {
        if (!HttpJson.Property(body, "response_format", out var format))
        {
            return null;
        }

        return HttpJson.String(format, "type") switch
        {
            "json_schema" => new JsonResponseFormat(
                HttpJson.Property(format, "json_schema", out var named) && HttpJson.Property(named, "schema", out var schema) ? schema : null),
            "json_object" => new JsonResponseFormat(null),
            _ => null,
        };
    }
}
