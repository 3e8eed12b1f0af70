namespace Wilson.Testing.Models;

/// <summary>A request for an answer, in any protocol, as the turn selector and usage estimate see it.</summary>
/// <param name="Model">The model asked for.</param>
/// <param name="Messages">The messages' roles and text, in order (a system prompt first, tool results as <c>tool</c>).</param>
/// <param name="OffersTools">True when the request lists tools.</param>
internal sealed record Conversation(string Model, IReadOnlyList<ConversationMessage> Messages, bool OffersTools)
{
    /// <summary>The last message from the user or a tool: what the model answers to.</summary>
    public string LastMessage => Messages.LastOrDefault(m => m.Role is "user" or "tool")?.Text ?? "";

    /// <summary>The usage estimate when a turn gives none: one token per four characters, at least one.</summary>
    public int EstimatedInputTokens => Math.Max(1, Messages.Sum(m => m.Text.Length) / 4);
}
