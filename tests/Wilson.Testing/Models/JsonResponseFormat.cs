using System.Text.Json;

namespace Wilson.Testing.Models;

/// <summary>A request's demand for a JSON answer: OpenAI's <c>response_format</c> (<c>json_schema</c> or <c>json_object</c>), Ollama's <c>format</c>.</summary>
/// <param name="Schema">The schema the answer must match; null for any JSON object (<c>json_object</c>, <c>"json"</c>).</param>
internal sealed record JsonResponseFormat(JsonElement? Schema);
