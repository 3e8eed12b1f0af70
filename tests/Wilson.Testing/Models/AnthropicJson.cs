using System.Text.Json.Nodes;

namespace Wilson.Testing.Models;

/// <summary>The pieces of Anthropic's JSON shared by the streamed and whole answers.</summary>
internal static class AnthropicJson
{
    public static string StopReason(ScriptedAnswer answer) => answer.HitLimit ? "max_tokens" : answer.ToolCalls.Count > 0 ? "tool_use" : "end_turn";

    /// <summary>
    /// The message object: whole (content blocks, final usage) or as <c>message_start</c> carries it
    /// (no content, no stop reason, one output token so far).
    /// </summary>
    public static JsonObject Message(string id, string model, ScriptedAnswer answer, bool withContent)
    {
        var content = new JsonArray();
        if (withContent)
        {
            if (answer.Text.Length > 0 || answer.ToolCalls.Count == 0)
            {
                content.Add(new JsonObject { ["type"] = "text", ["text"] = answer.Text });
            }

            foreach (var call in answer.ToolCalls)
            {
                content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = call.Arguments.DeepClone() });
            }
        }

        return new JsonObject
        {
            ["id"] = id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = model,
            ["content"] = content,
            ["stop_reason"] = withContent ? StopReason(answer) : null,
            ["stop_sequence"] = null,
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = answer.InputTokens,
                ["cache_creation_input_tokens"] = 0,
                ["cache_read_input_tokens"] = 0,
                ["output_tokens"] = withContent ? answer.OutputTokens : 1,
            },
        };
    }
}
