namespace Wilson.Testing.Models;

/// <summary>
/// One answer the fake model can give. Which turn answers a request is decided by the rules on
/// <see cref="FakeModelScript"/>; the text is streamed word by word, then the tool calls.
/// </summary>
public sealed record ScriptedTurn
{
    /// <summary>The model this turn answers for; null answers for any model.</summary>
    public string? Model { get; init; }

    /// <summary>
    /// Null matches any conversation; otherwise the turn matches when a message of the conversation
    /// (system, user, assistant or tool result) contains this text (ordinal, case-insensitive).
    /// </summary>
    public string? WhenContains { get; init; }

    /// <summary>The answer's text; streamed as one chunk per word with its following whitespace.</summary>
    public string Text { get; init; } = "";

    /// <summary>The tool calls made after the text.</summary>
    public IReadOnlyList<ScriptedToolCall> ToolCalls { get; init; } = [];

    /// <summary>The input tokens reported; null estimates one per four characters of the request's messages.</summary>
    public int? InputTokens { get; init; }

    /// <summary>The output tokens reported; null reports the number of text chunks streamed.</summary>
    public int? OutputTokens { get; init; }

    /// <summary>True makes the turn answer once only; it is skipped afterwards.</summary>
    public bool Once { get; init; }
}
