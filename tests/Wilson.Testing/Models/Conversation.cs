namespace Wilson.Testing.Models;

/// <summary>A request for an answer, in any protocol, as the turn selector, the weak model and usage estimate see it.</summary>
/// <param name="Model">The model asked for.</param>
/// <param name="Messages">The messages' roles and text, in order (a system prompt first, tool results as <c>tool</c>).</param>
/// <param name="Tools">The tools the request offers, in its order; empty when it offers none.</param>
internal sealed record Conversation(string Model, IReadOnlyList<ConversationMessage> Messages, IReadOnlyList<OfferedTool> Tools)
{
    /// <summary>True when the request lists tools.</summary>
    public bool OffersTools => Tools.Count > 0;

    /// <summary>The request's output token limit; null when it names none (or an Ollama <c>num_predict</c> of zero or less, which is none).</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>The JSON response format the request asks for; null for free text.</summary>
    public JsonResponseFormat? ResponseFormat { get; init; }

    /// <summary>The last message from the user or a tool: what the model answers to.</summary>
    public string LastMessage => Messages.LastOrDefault(m => m.Role is "user" or "tool")?.Text ?? "";

    /// <summary>The usage estimate when a turn gives none: one token per four characters, at least one.</summary>
    public int EstimatedInputTokens => Math.Max(1, Messages.Sum(m => m.Text.Length) / 4);
}
