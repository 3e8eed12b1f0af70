using System.Text.Json.Nodes;

namespace Wilson.Testing.Models;

/// <summary>The pieces of OpenAI's JSON shared by the streamed and whole answers.</summary>
internal static class OpenAiJson
{
    public const string Fingerprint = "fp_fake";

    public static string FinishReason(ScriptedAnswer answer) => answer.HitLimit ? "length" : answer.ToolCalls.Count > 0 ? "tool_calls" : "stop";

    public static JsonObject Usage(ScriptedAnswer answer) => new()
    {
        ["prompt_tokens"] = answer.InputTokens,
        ["completion_tokens"] = answer.OutputTokens,
        ["total_tokens"] = answer.InputTokens + answer.OutputTokens,
    };

    /// <summary>The whole <c>chat.completion</c>: content null when the answer is only tool calls, as OpenAI sends it.</summary>
    public static JsonObject Completion(string id, string model, ScriptedAnswer answer, DateTimeOffset created)
    {
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = answer.Text.Length == 0 && answer.ToolCalls.Count > 0 ? null : answer.Text,
            ["refusal"] = null,
        };
        if (answer.ToolCalls.Count > 0)
        {
            message["tool_calls"] = new JsonArray([.. answer.ToolCalls.Select(call => (JsonNode)new JsonObject
            {
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.ArgumentsJson },
            })]);
        }

        return new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = HttpJson.UnixSeconds(created),
            ["model"] = model,
            ["system_fingerprint"] = Fingerprint,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = FinishReason(answer),
            }),
            ["usage"] = Usage(answer),
        };
    }
}
