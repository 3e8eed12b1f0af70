using System.Text.Json.Nodes;

namespace Wilson.Testing.Models;

/// <summary>A tool call of a <see cref="ScriptedAnswer"/>: its id (null for Ollama unless scripted), name and arguments as text and as an object.</summary>
internal sealed record AnswerToolCall(string? Id, string Name, string ArgumentsJson, JsonObject Arguments)
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
