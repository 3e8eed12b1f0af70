using Wilson.Llm.Providers.Ollama;

namespace Wilson.Llm.Lifecycle;

/// <summary>Loads and unloads through the model's endpoint: Ollama's keep_alive; nothing to do for the others.</summary>
public sealed class EndpointModelHost(HttpClient http) : IModelHost
{
    /// <inheritdoc />
    public Task LoadAsync(ModelSpec model, TimeSpan keepAlive, CancellationToken cancellationToken) =>
        model.Endpoint.Protocol == ModelProtocol.Ollama
            ? new OllamaApi(http, model.Endpoint).LoadAsync(model.Name, keepAlive, cancellationToken)
            : Task.CompletedTask;

    /// <inheritdoc />
    public Task UnloadAsync(ModelSpec model, CancellationToken cancellationToken) =>
        model.Endpoint.Protocol == ModelProtocol.Ollama
            ? new OllamaApi(http, model.Endpoint).UnloadAsync(model.Name, cancellationToken)
            : Task.CompletedTask;
}
