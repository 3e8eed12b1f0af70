using System.Text.Json;

namespace Wilson.Testing.Models;

/// <summary>An <c>/api/chat</c> or <c>/api/generate</c> body as a <see cref="Conversation"/>.</summary>
internal static class OllamaConversation
{
    /// <summary>The chat's messages, or null when there are none (a load or unload).</summary>
    public static Conversation? Chat(string model, JsonElement body)
    {
        var messages = HttpJson.Array(body, "messages")
            .Select(m => new ConversationMessage(HttpJson.String(m, "role") ?? "user", HttpJson.String(m, "content") ?? "")
            {
                ToolCalls = FunctionTools.Calls(m),
            })
            .ToList();
        return messages.Count == 0 ? null : WithOptions(new Conversation(model, messages, FunctionTools.Read(body)), body);
    }

    /// <summary>The system prompt and prompt, or null when there is no prompt (a load or unload).</summary>
    public static Conversation? Generate(string model, JsonElement body)
    {
        if (HttpJson.String(body, "prompt") is not { Length: > 0 } prompt)
        {
            return null;
        }

        List<ConversationMessage> messages = [];
        if (HttpJson.String(body, "system") is { Length: > 0 } system)
        {
            messages.Add(new ConversationMessage("system", system));
        }

        messages.Add(new ConversationMessage("user", prompt));
        return WithOptions(new Conversation(model, messages, []), body);
    }

    // num_predict -1 is "until the model stops" and -2 "until the context is full": no limit of the request's own.
    private static Conversation WithOptions(Conversation conversation, JsonElement body) => conversation with
    {
        MaxOutputTokens = HttpJson.Property(body, "options", out var options) && HttpJson.Int(options, "num_predict") is > 0 and var limit ? limit : null,
        ResponseFormat = HttpJson.Property(body, "format", out var format) ? Format(format) : null,
    };

    private static JsonResponseFormat? Format(JsonElement format) => format.ValueKind switch
    {
        JsonValueKind.String when format.GetString() == "json" => new JsonResponseFormat(null),
        JsonValueKind.Object => new JsonResponseFormat(format),
        _ => null,
    };
}
