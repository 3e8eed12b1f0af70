using System.Text.Json;

namespace Wilson.Llm.Providers.Ollama;

/// <summary>One NDJSON line of Ollama's streamed chat answer.</summary>
internal sealed record OllamaChunk(
    string Content,
    IReadOnlyList<(string Name, IDictionary<string, object?> Arguments)> ToolCalls,
    bool Done,
    string? DoneReason,
    long? PromptEvalCount,
    long? EvalCount,
    DateTimeOffset? CreatedAt)
{
    /// <summary>Reads a line; a line that is not the expected JSON fails as a malformed answer, naming what was wrong.</summary>
    public static OllamaChunk Parse(string line, ModelEndpoint endpoint, string model)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed(endpoint, model, line, "a line is not a JSON object");
            }

            if (root.TryGetProperty("error", out var error))
            {
                throw OllamaErrors.FromMessage(error.GetString() ?? "", 500, endpoint, model, retryAfter: null);
            }

            var content = "";
            IReadOnlyList<(string, IDictionary<string, object?>)> calls = [];
            if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
            {
                content = message.TryGetProperty("content", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "";
                if (message.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
                {
                    calls = [.. toolCalls.EnumerateArray().Select(c => ToolCall(c, endpoint, model, line))];
                }
            }

            var isDone = root.TryGetProperty("done", out var done) && done.ValueKind == JsonValueKind.True;
            if (!isDone)
            {
                // Nearly every line is one token: what only the final chunk carries is not looked for here.
                return new OllamaChunk(content, calls, false, null, null, null, null);
            }

            return new OllamaChunk(
                content,
                calls,
                true,
                root.TryGetProperty("done_reason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null,
                Number(root, "prompt_eval_count"),
                Number(root, "eval_count"),
                root.TryGetProperty("created_at", out var created) && created.TryGetDateTimeOffset(out var at) ? at : null);
        }
        catch (JsonException ex)
        {
            throw Malformed(endpoint, model, line, $"invalid JSON ({ex.Message})");
        }
    }

    private static (string, IDictionary<string, object?>) ToolCall(JsonElement call, ModelEndpoint endpoint, string model, string line)
    {
        if (!call.TryGetProperty("function", out var function) || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw Malformed(endpoint, model, line, "a tool call has no function name");
        }

        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (function.TryGetProperty("arguments", out var args))
        {
            // Ollama sends an object; some models put a JSON string there instead.
            var element = args.ValueKind == JsonValueKind.String ? JsonDocument.Parse(args.GetString()!).RootElement : args;
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Malformed(endpoint, model, line, $"the arguments of tool call '{name.GetString()}' are not an object");
            }

            foreach (var property in element.EnumerateObject())
            {
                arguments[property.Name] = property.Value.Clone();
            }
        }

        return (name.GetString()!, arguments);
    }

    private static long? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : null;

    private static ModelCallException Malformed(ModelEndpoint endpoint, string model, string line, string what) =>
        new(ModelErrorKind.MalformedResponse, endpoint.Name, model,
            $"{model} on {endpoint.Name} sent an answer that cannot be read: {what}; the line began: {Preview(line)}");

    private static string Preview(string line) => line.Length <= 80 ? line : line[..80] + "...";
}
