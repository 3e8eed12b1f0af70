using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Wilson.Llm.Providers;
using Wilson.Llm.Providers.Anthropic;
using Wilson.Llm.Providers.LlamaCpp;
using Wilson.Llm.Providers.Ollama;

namespace Wilson.Llm.Registry;

/// <summary>
/// Health checks over each protocol's cheapest read: Ollama's <c>/api/version</c>, <c>/api/tags</c> and
/// <c>/api/ps</c>; the model list (<c>/v1/models</c>) for OpenAI-compatible servers and Anthropic. Context
/// windows come along: Ollama's from <c>/api/ps</c> and, once per model, <c>/api/show</c>; llama.cpp's from
/// <c>/props</c>, asked of every OpenAI-compatible server that is not a cloud one.
/// </summary>
public sealed class EndpointProbe(HttpClient http, Func<string, string?> environment, TimeProvider time) : IEndpointProbe
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    // A model's trained context does not change while it stays pulled: asked once per endpoint and model.
    private readonly ConcurrentDictionary<(string Endpoint, string Model), int?> _shown = new();

    /// <inheritdoc />
    public async Task<EndpointStatus> ProbeAsync(ModelEndpoint endpoint, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(CheckTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return endpoint.Protocol == ModelProtocol.Ollama
                ? await OllamaAsync(endpoint, linked.Token)
                : await ModelListAsync(endpoint, linked.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or ModelCallException or JsonException or OperationCanceledException or KeyNotFoundException)
        {
            var reason = ex switch
            {
                OperationCanceledException => $"no answer within {CheckTimeout.TotalSeconds:0} s",
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } when endpoint.Protocol == ModelProtocol.Ollama =>
                    $"nothing answers at {endpoint.BaseUrl}: is Ollama running? (`ollama serve`, or set OLLAMA_HOST)",
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => $"nothing answers at {endpoint.BaseUrl}",
                _ => ex.Message,
            };
            return new EndpointStatus { Name = endpoint.Name, Protocol = endpoint.Protocol, Healthy = false, LastError = reason, CheckedAt = time.GetUtcNow() };
        }
    }

    private async Task<EndpointStatus> OllamaAsync(ModelEndpoint endpoint, CancellationToken cancellationToken)
    {
        var api = new OllamaApi(http, endpoint);
        var (version, latency) = await api.VersionAsync(cancellationToken);
        var pulled = await api.PulledAsync(cancellationToken);
        var loaded = await api.LoadedAsync(cancellationToken);
        var contexts = await Task.WhenAll(pulled.Select(m => TrainedContextAsync(api, endpoint, m.Name, cancellationToken)));
        return new EndpointStatus
        {
            Name = endpoint.Name,
            Protocol = endpoint.Protocol,
            Healthy = true,
            Latency = latency,
            Version = version,
            CheckedAt = time.GetUtcNow(),
            Pulled = [.. pulled.Select((m, i) => new ModelInfo(m.Name, m.SizeBytes, ContextLength: contexts[i]))],
            Loaded = [.. loaded.Select(m => new ModelInfo(m.Name, m.SizeBytes, m.SizeVramBytes, m.ExpiresAt, m.ContextLength))],
        };
    }

    // What the endpoint answered already decides its health: a model it cannot describe only has no known context.
    private async Task<int?> TrainedContextAsync(OllamaApi api, ModelEndpoint endpoint, string model, CancellationToken cancellationToken)
    {
        if (_shown.TryGetValue((endpoint.Name, model), out var known))
        {
            return known;
        }

        try
        {
            var context = await api.ContextLengthAsync(model, cancellationToken);
            _shown[(endpoint.Name, model)] = context;
            return context;
        }
        catch (Exception ex) when (ex is HttpRequestException or ModelCallException or JsonException)
        {
            return null;
        }
    }

    private async Task<EndpointStatus> ModelListAsync(ModelEndpoint endpoint, CancellationToken cancellationToken)
    {
        var path = endpoint.Protocol == ModelProtocol.Anthropic ? "v1/models" : "models";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint.BaseUrl, path));
        var key = endpoint.ApiKeyEnv is { } variable ? environment(variable) : null;
        if (endpoint.Protocol == ModelProtocol.Anthropic)
        {
            request.Headers.Add("x-api-key", key ?? "");
            request.Headers.Add("anthropic-version", AnthropicChatClient.ApiVersion);
        }
        else if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, cancellationToken);
        var latency = Stopwatch.GetElapsedTime(started);
        if (!response.IsSuccessStatusCode)
        {
            var problem = (int)response.StatusCode is 401 or 403
                ? endpoint.ApiKeyEnv is { } env
                    ? $"the key was refused ({(int)response.StatusCode}): check {env}"
                    : $"the request without a key was refused ({(int)response.StatusCode}): {StatusFailures.NeedsKey(endpoint)}"
                : $"{path} answered {(int)response.StatusCode}";
            return new EndpointStatus { Name = endpoint.Name, Protocol = endpoint.Protocol, Healthy = false, Latency = latency, LastError = problem, CheckedAt = time.GetUtcNow() };
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var models = document.RootElement.GetProperty("data").EnumerateArray()
            .Select(m => new ModelInfo(m.GetProperty("id").GetString() ?? ""))
            .ToList();
        var props = endpoint.Protocol == ModelProtocol.OpenAi && !endpoint.Cloud
            ? await new LlamaServerApi(http, endpoint, key).PropsAsync(cancellationToken)
            : null;
        return new EndpointStatus
        {
            Name = endpoint.Name,
            Protocol = endpoint.Protocol,
            Healthy = true,
            Latency = latency,
            CheckedAt = time.GetUtcNow(),
            Pulled = models,
            // llama-server holds the model it serves in memory for as long as it runs.
            Loaded = props is null ? [] : models,
            LlamaServer = props,
        };
    }
}
