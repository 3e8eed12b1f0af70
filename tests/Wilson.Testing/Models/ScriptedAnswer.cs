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
    /// <summary>True when the answer stopped at the output token limit (finish reason <c>length</c>, <c>max_tokens</c>).</summary>
    public bool HitLimit { get; init; }

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
            turn?.OutputTokens ?? OutputEstimate(tokens, calls));
    }

    /// <summary>An answer that no turn scripted (the weak model's), with the usage estimated as for a turn that gives none.</summary>
    public static ScriptedAnswer Unscripted(string text, IReadOnlyList<AnswerToolCall> calls, Conversation conversation, bool hitLimit)
    {
        var tokens = Tokenize(text);
        return new ScriptedAnswer(text, tokens, calls, conversation.EstimatedInputTokens, OutputEstimate(tokens, calls)) { HitLimit = hitLimit };
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

    private static int OutputEstimate(IReadOnlyList<string> tokens, IReadOnlyList<AnswerToolCall> calls) =>
        tokens.Count + calls.Sum(c => 1 + (c.Name.Length + c.ArgumentsJson.Length) / 4);

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
