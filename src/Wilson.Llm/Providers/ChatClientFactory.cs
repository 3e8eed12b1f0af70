using Microsoft.Extensions.AI;
using Wilson.Llm.Providers.Anthropic;
using Wilson.Llm.Providers.Ollama;
using Wilson.Llm.Providers.OpenAi;

namespace Wilson.Llm.Providers;

/// <summary>
/// Makes the <see cref="IChatClient"/> for a model on an endpoint, in its protocol, wrapped so that every
/// failure is a <see cref="ModelCallException"/> and a silent call times out. No client retries on its
/// own: retrying, with Retry-After honoured, and falling back belong to the router.
/// </summary>
public sealed class ChatClientFactory : IDisposable
{
    private readonly HttpClient _http;
    private readonly Func<string, string?> _environment;
    private readonly TimeProvider _time;

    /// <summary>Creates a factory reading keys through <paramref name="environment"/> (normally <see cref="Environment.GetEnvironmentVariable(string)"/>).</summary>
    public ChatClientFactory(Func<string, string?> environment, TimeProvider time)
        : this(environment, time, new SocketsHttpHandler())
    {
    }

    /// <summary>A factory whose calls go through <paramref name="transport"/> (the benchmark replays recorded answers with it).</summary>
    internal ChatClientFactory(Func<string, string?> environment, TimeProvider time, HttpMessageHandler transport)
    {
        _environment = environment;
        _time = time;
        // Timeouts are ours (per chunk, on the TimeProvider), not HttpClient's (per whole answer).
        _http = new HttpClient(transport) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The client for <paramref name="model"/> on <paramref name="endpoint"/>.</summary>
    /// <exception cref="ModelCallException">
    /// An endpoint's key variable is not set, or an endpoint off this machine names none (Unauthorized, naming the variable).
    /// </exception>
    public IChatClient Create(ModelEndpoint endpoint, string model, ModelCallSettings? settings = null)
    {
        settings ??= new ModelCallSettings();
        var key = KeyFor(endpoint);
        IChatClient inner = endpoint.Protocol switch
        {
            ModelProtocol.Ollama => new OllamaChatClient(_http, endpoint, model,
                new OllamaModelOptions(settings.KeepAlive, settings.NumCtx, settings.MaxOutputTokens)),
            ModelProtocol.OpenAi => new OpenAiChatClient(_http, endpoint, model, key, settings.MaxOutputTokens),
            ModelProtocol.Anthropic => new AnthropicChatClient(_http, endpoint, model, key, settings.MaxOutputTokens),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint.Protocol, "unknown protocol"),
        };
        return new ErrorMappingChatClient(inner, endpoint, model, key, _time);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    // Ollama takes no key, and neither, as a rule, does a server on this machine (llama.cpp, LM Studio, vLLM):
    // without api_key_env it is called without one. Anywhere else a missing key is a mistake worth stopping for.
    private string? KeyFor(ModelEndpoint endpoint)
    {
        if (endpoint.ApiKeyEnv is not { } variable)
        {
            return endpoint.Protocol == ModelProtocol.Ollama || endpoint.BaseUrl.IsLoopback
                ? null
                : throw new ModelCallException(ModelErrorKind.Unauthorized, endpoint.Name, null,
                    $"{endpoint.Name} needs a key: name its environment variable in wilson.yaml (api_key_env) and set it");
        }

        var key = _environment(variable);
        return string.IsNullOrWhiteSpace(key)
            ? throw new ModelCallException(ModelErrorKind.Unauthorized, endpoint.Name, null,
                $"{endpoint.Name} needs a key and {variable} is not set: `export {variable}=...`")
            : key;
    }
}
