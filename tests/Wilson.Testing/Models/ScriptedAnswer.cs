using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wilson.Testing.Models;

/// <summary>
/// The answer to one request: the turn's text cut into chunks, its tool calls with ids, and the usage to
/// report (unless scripted: a token per chunk of text, and one per four characters of a tool call, as a model counts them).
/// </summary>
internal sealed record ScriptedAnswer(
    string Text,
    IReadOnlyList<string> Tokens,
    IReadOnlyList<AnswerToolCall> ToolCalls,
    int InputTokens,
    int OutputTokens)
{
    /// <summary>
    /// The answer <paramref name="turn"/> gives (the plain no-answer text when null); tool calls without a
    /// scripted id get <paramref name="idPrefix"/> and a number, or no id when the prefix is null (Ollama).
    /// </summary>
    public static ScriptedAnswer For(ScriptedTurn? turn, Conversation conversation, string? idPrefix, IdSource ids)
    {
        var text = turn?.Text ?? FakeModelScript.NoAnswerText;
        var tokens = Tokenize(text);
        var calls = (turn?.ToolCalls ?? []).Select(c => new AnswerToolCall(
            c.Id ?? (idPrefix is null ? null : ids.Next(idPrefix)),
            c.Name,
            c.ArgumentsJson,
            ArgumentsObject(c))).ToList();
        return new ScriptedAnswer(
            text,
            tokens,
            calls,
            turn?.InputTokens ?? conversation.EstimatedInputTokens,
            turn?.OutputTokens ?? tokens.Count + calls.Sum(c => 1 + (c.Name.Length + c.ArgumentsJson.Length) / 4));
    }

    /// <summary>Words with their following whitespace (leading whitespace stays with the first word); the chunks join back to the text.</summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var start = 0;
        var seenWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                continue;
            }

            if (seenWord && char.IsWhiteSpace(text[i - 1]))
            {
                tokens.Add(text[start..i]);
                start = i;
            }

            seenWord = true;
        }

        if (start < text.Length)
        {
            tokens.Add(text[start..]);
        }

        return tokens;
    }

    private static JsonObject ArgumentsObject(ScriptedToolCall call)
    {
        try
        {
            return JsonNode.Parse(call.ArgumentsJson) as JsonObject
                ?? throw new InvalidOperationException($"the scripted tool call '{call.Name}' has arguments that are not a JSON object: {call.ArgumentsJson}");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"the scripted tool call '{call.Name}' has arguments that are not valid JSON: {e.Message}", e);
        }
    }
}
