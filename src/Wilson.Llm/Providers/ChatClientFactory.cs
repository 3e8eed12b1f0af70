using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;
using Wilson.Llm.Providers.Ollama;

namespace Wilson.Llm.Providers;

/// <summary>
/// Makes the <see cref="IChatClient"/> for a model on an endpoint, in its protocol, wrapped so that every
/// failure is a <see cref="ModelCallException"/> and a silent call times out. The libraries' own retries
/// are off: retrying, with Retry-After honoured, and falling back belong to the router.
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
        _http = new HttpClient(new RetryAfterHandler { InnerHandler = transport }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The client for <paramref name="model"/> on <paramref name="endpoint"/>.</summary>
    /// <exception cref="ModelCallException">A cloud endpoint's key variable is not set (Unauthorized, naming the variable).</exception>
    public IChatClient Create(ModelEndpoint endpoint, string model, ModelCallSettings? settings = null)
    {
        settings ??= new ModelCallSettings();
        var key = KeyFor(endpoint);
        var (inner, translate) = endpoint.Protocol switch
        {
            ModelProtocol.Ollama => (
                (IChatClient)new OllamaChatClient(_http, endpoint, model, new OllamaModelOptions(settings.KeepAlive, settings.NumCtx)),
                (Func<Exception, ProviderFailure?>)(_ => null)),
            ModelProtocol.OpenAi => (OpenAi(endpoint, model, key!), OpenAiFailures.For(endpoint, model)),
            ModelProtocol.Anthropic => (Anthropic(endpoint, model, key!, settings), AnthropicFailures.For(endpoint, model)),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint.Protocol, "unknown protocol"),
        };
        return new ErrorMappingChatClient(inner, endpoint, model, key, translate, _time);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private string? KeyFor(ModelEndpoint endpoint)
    {
        if (endpoint.ApiKeyEnv is not { } variable)
        {
            return endpoint.Protocol == ModelProtocol.Ollama
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

    private IChatClient OpenAi(ModelEndpoint endpoint, string model, string key)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint.BaseUrl,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            Transport = new HttpClientPipelineTransport(_http),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        return new OpenAI.Chat.ChatClient(model, new ApiKeyCredential(key), options).AsIChatClient();
    }

    private IChatClient Anthropic(ModelEndpoint endpoint, string model, string key, ModelCallSettings settings)
    {
        var client = new AnthropicClient
        {
            ApiKey = key,
            BaseUrl = endpoint.BaseUrl.ToString().TrimEnd('/'),
            HttpClient = _http,
            MaxRetries = 0,
            // Ours is the limit that counts (silence between chunks); the library's is on the whole answer.
            Timeout = TimeSpan.FromHours(1),
        };
        return client.AsIChatClient(model, settings.MaxOutputTokens);
    }
}
