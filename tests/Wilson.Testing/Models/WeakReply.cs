namespace Wilson.Testing.Models;

/// <summary>A weak model's answer to one request, before ids and usage: what it played, its text and its native calls.</summary>
/// <param name="Play">What was played, for the log.</param>
/// <param name="Text">The text, fenced calls included.</param>
/// <param name="Calls">The native tool calls, without ids.</param>
/// <param name="HitLimit">True when the text stopped at the output limit.</param>
internal sealed record WeakReply(WeakModelPlay Play, string Text, IReadOnlyList<AnswerToolCall> Calls, bool HitLimit);
