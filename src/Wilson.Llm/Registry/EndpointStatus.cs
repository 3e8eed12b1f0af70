using Wilson.Llm.Providers.LlamaCpp;

namespace Wilson.Llm.Registry;

/// <summary>What the last health check of an endpoint found.</summary>
public sealed record EndpointStatus
{
    public required string Name { get; init; }

    public required ModelProtocol Protocol { get; init; }

    /// <summary>True when the endpoint answered the check.</summary>
    public required bool Healthy { get; init; }

    /// <summary>How long the check's first request took.</summary>
    public TimeSpan? Latency { get; init; }

    /// <summary>Why the last check failed, if it did.</summary>
    public string? LastError { get; init; }

    /// <summary>The server's version, where it says.</summary>
    public string? Version { get; init; }

    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>Models available there (Ollama: pulled; cold until loaded).</summary>
    public IReadOnlyList<ModelInfo> Pulled { get; init; } = [];

    /// <summary>Models in memory now (warm): Ollama's loaded ones; llama.cpp's served one, which it never unloads.</summary>
    public IReadOnlyList<ModelInfo> Loaded { get; init; } = [];

    /// <summary>What llama.cpp's <c>/props</c> said; null for any other server.</summary>
    public LlamaServerProps? LlamaServer { get; init; }

    public bool Has(string model) => Pulled.Any(m => m.Name == model);

    public bool IsLoaded(string model) => Loaded.Any(m => m.Name == model);

    /// <summary>
    /// The context window the server reports for <paramref name="model"/>, in tokens: the one it is loaded with
    /// (Ollama's <c>/api/ps</c>), else the most it can take (Ollama's <c>/api/show</c>), else llama.cpp's per slot; null when unknown.
    /// </summary>
    public int? ContextLengthOf(string model) =>
        Loaded.FirstOrDefault(m => m.Name == model)?.ContextLength
        ?? Pulled.FirstOrDefault(m => m.Name == model)?.ContextLength
        ?? LlamaServer?.ContextLength;
}

/// <summary>A model as an endpoint lists it.</summary>
/// <param name="Name">Its name as the endpoint gives it.</param>
/// <param name="SizeBytes">Its size in bytes, when the endpoint says.</param>
/// <param name="VramBytes">How much of it is in GPU memory, when loaded and the endpoint says.</param>
/// <param name="ExpiresAt">When the endpoint unloads it unless it is used, when loaded and the endpoint says.</param>
/// <param name="ContextLength">Its context window in tokens, when the server says (see <see cref="EndpointStatus.ContextLengthOf"/>).</param>
public sealed record ModelInfo(string Name, long? SizeBytes = null, long? VramBytes = null, DateTimeOffset? ExpiresAt = null, int? ContextLength = null);
