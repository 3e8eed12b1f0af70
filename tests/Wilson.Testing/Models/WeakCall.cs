using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wilson.Testing.Models;

/// <summary>A tool call a weak model makes, before it is put on a protocol's wire or in the text.</summary>
/// <param name="Name">The tool's name.</param>
/// <param name="ArgumentsJson">The arguments' JSON text (an earlier call's text as it was, for a repeat).</param>
/// <param name="Shape">How the call carries them.</param>
internal sealed record WeakCall(string Name, string ArgumentsJson, WeakCallShape Shape)
{
    /// <summary>
    /// The arguments as the model wrote them: cut in the middle when broken. A JSON object's text cut anywhere
    /// before its end is never valid JSON.
    /// </summary>
    public string Written => Shape == WeakCallShape.Broken ? ArgumentsJson[..Math.Max(1, ArgumentsJson.Length / 2)] : ArgumentsJson;

    /// <summary>
    /// A native call (without id): the text for OpenAI's <c>arguments</c> and Anthropic's streamed deltas, and the
    /// node for Ollama's <c>arguments</c> and Anthropic's whole <c>input</c>, where a broken object cannot go and
    /// its string goes instead.
    /// </summary>
    public AnswerToolCall Native()
    {
        var asString = JsonValue.Create(ArgumentsJson);
        return Shape switch
        {
            WeakCallShape.Object => new AnswerToolCall(null, Name, ArgumentsJson, ParseOrString(ArgumentsJson)),
            WeakCallShape.AsString => new AnswerToolCall(null, Name, HttpJson.Text(asString), asString),
            _ => new AnswerToolCall(null, Name, Written, asString),
        };
    }

    /// <summary>The call as a fenced block in the text; a broken call is a block cut in the middle.</summary>
    public string Fenced() => Shape switch
    {
        WeakCallShape.Object => TextTools.Block(Name, ArgumentsJson),
        WeakCallShape.AsString => TextTools.Block(Name, HttpJson.Text(JsonValue.Create(ArgumentsJson))),
        _ => TextTools.BrokenBlock(Name, Written),
    };

    private static JsonNode ParseOrString(string text)
    {
        try
        {
            return JsonNode.Parse(text) ?? JsonValue.Create(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
