using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Wilson.Testing.Models;

/// <summary>The pieces of Ollama's JSON shared by several endpoints.</summary>
internal static class OllamaJson
{
    /// <summary>The version <c>/api/version</c> reports.</summary>
    public const string Version = "0.12.0";

    /// <summary>The current time as Ollama writes <c>created_at</c>.</summary>
    public static string Now(TimeProvider time) => HttpJson.GoTime(time.GetUtcNow());

    /// <summary>A chunk of <c>/api/chat</c> (text in <c>message.content</c>) or <c>/api/generate</c> (text in <c>response</c>).</summary>
    public static JsonObject Chunk(string model, TimeProvider time, string text, bool chat, bool done)
    {
        var chunk = new JsonObject { ["model"] = model, ["created_at"] = Now(time) };
        if (chat)
        {
            chunk["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text };
        }
        else
        {
            chunk["response"] = text;
        }

        chunk["done"] = done;
        return chunk;
    }

    public static JsonObject Details(FakeModel model) => new()
    {
        ["parent_model"] = "",
        ["format"] = "gguf",
        ["family"] = model.Family,
        ["families"] = new JsonArray(model.Family),
        ["parameter_size"] = model.ParameterSize,
        ["quantization_level"] = "Q4_K_M",
    };

    /// <summary>A stable fake digest: the SHA-256 of the name.</summary>
    public static string Digest(FakeModel model) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(model.Name)));

    /// <summary><c>7B</c> as 7 000 000 000, <c>500M</c> as 500 000 000; null when the label is not a number with B or M.</summary>
    public static long? ParameterCount(FakeModel model)
    {
        var label = model.ParameterSize.Trim();
        if (label.Length < 2)
        {
            return null;
        }

        var scale = char.ToUpperInvariant(label[^1]) switch
        {
            'B' => 1_000_000_000d,
            'M' => 1_000_000d,
            _ => 0,
        };
        return scale > 0 && double.TryParse(label[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? (long)(number * scale)
            : null;
    }

    /// <summary>
    /// The timing and token counts of a done chunk, in nanoseconds as Ollama reports them: made up but
    /// consistent (a cold load costs half a second, a prompt token 1 ms, an output token 20 ms).
    /// </summary>
    public static void AddStats(JsonObject chunk, ScriptedAnswer answer, bool coldLoad)
    {
        long load = coldLoad ? 500_000_000 : 2_000_000;
        var promptEval = answer.InputTokens * 1_000_000L;
        var eval = answer.OutputTokens * 20_000_000L;
        chunk["total_duration"] = load + promptEval + eval;
        chunk["load_duration"] = load;
        chunk["prompt_eval_count"] = answer.InputTokens;
        chunk["prompt_eval_duration"] = promptEval;
        chunk["eval_count"] = answer.OutputTokens;
        chunk["eval_duration"] = eval;
    }

    /// <summary>The done chunk's <c>done_reason</c>: <c>length</c> when the answer stopped at the output limit.</summary>
    public static string DoneReason(ScriptedAnswer answer) => answer.HitLimit ? "length" : "stop";

    /// <summary>Tool calls as Ollama sends them: arguments as a JSON object (or what the weak model put there instead), an id only when scripted.</summary>
    public static JsonArray ToolCalls(IReadOnlyList<AnswerToolCall> calls) => new([.. calls.Select(call =>
    {
        var json = new JsonObject();
        if (call.Id is not null)
        {
            json["id"] = call.Id;
        }

        json["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments.DeepClone() };
        return (JsonNode)json;
    })]);
}
