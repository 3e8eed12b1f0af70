namespace Wilson.Testing.Models;

/// <summary>A tool call the assistant made earlier in a conversation.</summary>
/// <param name="Name">The tool's name.</param>
/// <param name="ArgumentsText">The arguments as the request carried them: OpenAI's string as is, Ollama's and Anthropic's object (or whatever it was) as JSON text.</param>
internal sealed record ConversationToolCall(string Name, string ArgumentsText);
