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

    /// <summary>Models in memory now (Ollama only; warm).</summary>
    public IReadOnlyList<ModelInfo> Loaded { get; init; } = [];

    public bool Has(string model) => Pulled.Any(m => m.Name == model);

    public bool IsLoaded(string model) => Loaded.Any(m => m.Name == model);
}

/// <summary>A model as an endpoint lists it.</summary>
public sealed record ModelInfo(string Name, long? SizeBytes = null, long? VramBytes = null, DateTimeOffset? ExpiresAt = null);
