using System.Text.Json;

namespace Wilson.Llm.Providers.Ollama;

/// <summary>One NDJSON line of Ollama's streamed chat answer.</summary>
internal sealed record OllamaChunk(
    string Content,
    IReadOnlyList<(string Name, JsonElement Arguments)> ToolCalls,
    bool Done,
    string? DoneReason,
    long? PromptEvalCount,
    long? EvalCount,
    DateTimeOffset? CreatedAt)
{
    /// <summary>
    /// Reads a line (UTF-8 JSON) in one forward pass, without a document or a string per line: nearly every
    /// line is one token, so what a line costs is what a token costs. A line that is not the expected JSON
    /// fails as a malformed answer, naming what was wrong.
    /// </summary>
    public static OllamaChunk Parse(ReadOnlySpan<byte> line, ModelEndpoint endpoint, string model)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw MalformedAnswer.Error(endpoint, model, line, "a line is not a JSON object");
            }

            var content = "";
            IReadOnlyList<(string, JsonElement)> calls = [];
            var done = false;
            string? doneReason = null;
            long? promptEvalCount = null;
            long? evalCount = null;
            DateTimeOffset? createdAt = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    (content, calls) = Message(ref reader, endpoint, model, line);
                }
                else if (reader.ValueTextEquals("done"u8))
                {
                    reader.Read();
                    done = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    throw OllamaErrors.FromMessage(reader.TokenType == JsonTokenType.String ? reader.GetString() ?? "" : "", 500, endpoint, model, retryAfter: null);
                }
                else if (reader.ValueTextEquals("done_reason"u8))
                {
                    reader.Read();
                    doneReason = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("prompt_eval_count"u8))
                {
                    reader.Read();
                    promptEvalCount = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var count) ? count : null;
                }
                else if (reader.ValueTextEquals("eval_count"u8))
                {
                    reader.Read();
                    evalCount = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var count) ? count : null;
                }
                else if (reader.ValueTextEquals("created_at"u8))
                {
                    reader.Read();
                    // Kept only from the final chunk (below): parsing a date per token costs more than the token's text.
                    createdAt = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var at) ? at : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return new OllamaChunk(content, calls, done, doneReason, promptEvalCount, evalCount, done ? createdAt : null);
        }
        catch (JsonException ex)
        {
            throw MalformedAnswer.Error(endpoint, model, line, $"invalid JSON ({ex.Message})");
        }
    }

    private static (string Content, IReadOnlyList<(string, JsonElement)> Calls) Message(
        ref Utf8JsonReader reader, ModelEndpoint endpoint, string model, ReadOnlySpan<byte> line)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return ("", []);
        }

        var content = "";
        IReadOnlyList<(string, JsonElement)> calls = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                content = reader.TokenType == JsonTokenType.String ? reader.GetString() ?? "" : "";
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                // Rare (once per answer at most): read as a document and take it apart there.
                using var document = JsonDocument.ParseValue(ref reader);
                if (document.RootElement.ValueKind == JsonValueKind.Array)
                {
                    var parsed = new List<(string, JsonElement)>();
                    foreach (var call in document.RootElement.EnumerateArray())
                    {
                        parsed.Add(ToolCall(call, endpoint, model, line));
                    }

                    calls = parsed;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (content, calls);
    }

    // The arguments as sent (an object; some models put a JSON string there instead): ToolCallArguments reads them.
    private static (string, JsonElement) ToolCall(JsonElement call, ModelEndpoint endpoint, string model, ReadOnlySpan<byte> line)
    {
        if (!call.TryGetProperty("function", out var function) || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw MalformedAnswer.Error(endpoint, model, line, "a tool call has no function name");
        }

        return (name.GetString()!, function.TryGetProperty("arguments", out var args) ? args.Clone() : default);
    }
}
