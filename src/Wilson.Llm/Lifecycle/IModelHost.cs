namespace Wilson.Llm.Lifecycle;

/// <summary>Loads and unloads a model where it runs (Ollama's keep_alive); a no-op for cloud models.</summary>
public interface IModelHost
{
    /// <summary>Loads <paramref name="model"/> and keeps it loaded for <paramref name="keepAlive"/> (negative = until unloaded).</summary>
    Task LoadAsync(ModelSpec model, TimeSpan keepAlive, CancellationToken cancellationToken);

    /// <summary>Unloads <paramref name="model"/> now.</summary>
    Task UnloadAsync(ModelSpec model, CancellationToken cancellationToken);
}
