using System.Text.Json.Nodes;

namespace Wilson.Testing.Models;

/// <summary>A tool call of a <see cref="ScriptedAnswer"/>: its id (null for Ollama unless scripted), name and arguments as text and as a node.</summary>
/// <param name="Id">The call's id; null for none.</param>
/// <param name="Name">The tool's name.</param>
/// <param name="ArgumentsJson">The arguments as OpenAI's <c>arguments</c> string and Anthropic's streamed <c>input_json_delta</c>s carry them.</param>
/// <param name="Arguments">
/// The arguments as Ollama's <c>arguments</c> and Anthropic's whole <c>input</c> carry them: the object of
/// <paramref name="ArgumentsJson"/> for a scripted call; a weak model's may be a string instead.
/// </param>
internal sealed record AnswerToolCall(string? Id, string Name, string ArgumentsJson, JsonNode Arguments)
{
    /// <summary>The arguments text in pieces of up to <paramref name="size"/> characters, as streaming APIs send it (never splitting a surrogate pair).</summary>
    public IReadOnlyList<string> ArgumentFragments(int size = 8)
    {
        var fragments = new List<string>();
        var start = 0;
        while (start < ArgumentsJson.Length)
        {
            var end = Math.Min(start + size, ArgumentsJson.Length);
            if (end < ArgumentsJson.Length && char.IsHighSurrogate(ArgumentsJson[end - 1]))
            {
                end++;
            }

            fragments.Add(ArgumentsJson[start..end]);
            start = end;
        }

        return fragments;
    }
}
