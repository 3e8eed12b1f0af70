using System.Text.Json;

namespace Wilson.Testing.Models;

/// <summary>A tool a request offers: from <c>tools</c> (OpenAI and Ollama <c>parameters</c>, Anthropic <c>input_schema</c>) or a text tool list in the system prompt.</summary>
/// <param name="Name">The name; empty when the request gave none.</param>
/// <param name="Description">The description; empty when none.</param>
/// <param name="Schema">The arguments' JSON schema; null when none.</param>
internal sealed record OfferedTool(string Name, string Description, JsonElement? Schema);
