namespace Wilson.Testing.Models;

/// <summary>One message of a <see cref="Conversation"/>: <c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>, and its text.</summary>
internal sealed record ConversationMessage(string Role, string Text)
{
    /// <summary>The native tool calls of an assistant message, in order; empty for other messages.</summary>
    public IReadOnlyList<ConversationToolCall> ToolCalls { get; init; } = [];
}
