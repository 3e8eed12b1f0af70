using System.Text.Json;

namespace Wilson.Llm.Providers;

/// <summary>
/// A refused call to an OpenAI-compatible or Anthropic endpoint, read from its status and body
/// (<c>{"error":{"message":...}}</c> in both, or what other compatible servers send instead).
/// </summary>
internal static class CloudErrors
{
    public static async Task<ModelCallException> FromResponseAsync(
        HttpResponseMessage response, ModelEndpoint endpoint, string model, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var failure = StatusFailures.From((int)response.StatusCode, Detail(body), endpoint, model, RetryAfter.Read(response));
        return new ModelCallException(failure.Kind, endpoint.Name, model, failure.Message, failure.RetryAfter);
    }

    /// <summary>An <c>error</c> sent inside a stream (a server that failed after it began to answer).</summary>
    public static ModelCallException InStream(int status, string message, ModelEndpoint endpoint, string model)
    {
        var failure = StatusFailures.From(status, message, endpoint, model);
        return new ModelCallException(failure.Kind, endpoint.Name, model, failure.Message, failure.RetryAfter);
    }

    /// <summary>A streamed call answered with one JSON document: an error some servers send with 200, or a whole answer.</summary>
    public static ModelCallException NotAStream(string body, ModelEndpoint endpoint, string model)
    {
        return MessageIn(body) is { } error
            ? InStream(500, error, endpoint, model)
            : new ModelCallException(ModelErrorKind.MalformedResponse, endpoint.Name, model,
                $"{endpoint.Name} answered {model} with one JSON document, not a stream of events: does the server support streaming (\"stream\": true)?");
    }

    /// <summary>The message in an error body: <c>error.message</c>, <c>error</c>, <c>message</c> or <c>detail</c>, else the body itself.</summary>
    public static string Detail(string body) => MessageIn(body) ?? body;

    private static string? MessageIn(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return Message(document.RootElement);
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say).
            return null;
        }
    }

    /// <summary>The message of an error object, wherever the server put it.</summary>
    private static string? Message(JsonElement root) =>
        root.ValueKind != JsonValueKind.Object ? null
        : root.TryGetProperty("error", out var error) && JsonFields.String(error, "message") is { } nested ? nested
        : JsonFields.String(root, "error") ?? JsonFields.String(root, "message") ?? JsonFields.String(root, "detail");
}
