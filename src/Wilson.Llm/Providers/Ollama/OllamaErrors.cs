using System.Net;
using System.Text.Json;

namespace Wilson.Llm.Providers.Ollama;

/// <summary>Ollama's error answers (<c>{"error": "..."}</c>) turned into <see cref="ModelCallException"/>s that say what to do.</summary>
internal static class OllamaErrors
{
    public static async Task<ModelCallException> FromResponseAsync(HttpResponseMessage response, ModelEndpoint endpoint, string model, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var message = text;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                message = error.GetString() ?? text;
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): the text itself is the best description there is.
        }

        return FromMessage(message, (int)response.StatusCode, endpoint, model, RetryAfter.Read(response));
    }

    public static ModelCallException FromMessage(string message, int status, ModelEndpoint endpoint, string model, TimeSpan? retryAfter)
    {
        var brief = message.Length <= 300 ? message : message[..300] + "...";
        if (status == (int)HttpStatusCode.NotFound || message.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            return new ModelCallException(ModelErrorKind.ModelNotFound, endpoint.Name, model,
                $"{endpoint.Name} does not have the model {model}: run `ollama pull {model}` on that host ({brief})");
        }

        if (message.Contains("memory", StringComparison.OrdinalIgnoreCase))
        {
            return new ModelCallException(ModelErrorKind.OutOfMemory, endpoint.Name, model,
                $"{endpoint.Name} cannot load {model}: not enough memory ({brief}); unload another model or choose a smaller one");
        }

        return status switch
        {
            429 => new ModelCallException(ModelErrorKind.RateLimited, endpoint.Name, model, $"{endpoint.Name} is busy (429): {brief}", retryAfter),
            401 or 403 => new ModelCallException(ModelErrorKind.Unauthorized, endpoint.Name, model, $"{endpoint.Name} refused the request ({status}): {brief}"),
            >= 500 => new ModelCallException(ModelErrorKind.ServerError, endpoint.Name, model, $"{endpoint.Name} failed while running {model} ({status}): {brief}"),
            _ => new ModelCallException(ModelErrorKind.BadRequest, endpoint.Name, model, $"{endpoint.Name} refused the request for {model} ({status}): {brief}"),
        };
    }
}
