using Wilson.Core.Configuration;

namespace Wilson.Llm;

/// <summary>The <c>models</c> section of wilson.yaml with its endpoints resolved: what the registry, lifecycle and router work from.</summary>
public sealed class ModelCatalog
{
    /// <summary>Ollama's address when neither wilson.yaml nor <c>OLLAMA_HOST</c> names one.</summary>
    public static readonly Uri DefaultOllama = new("http://127.0.0.1:11434/");

    private ModelCatalog(ModelsConfig config, IReadOnlyList<ModelEndpoint> endpoints, IReadOnlyDictionary<string, ModelSpec> models)
    {
        Config = config;
        Endpoints = endpoints;
        Models = models;
    }

    public ModelsConfig Config { get; }

    public IReadOnlyList<ModelEndpoint> Endpoints { get; }

    public IReadOnlyDictionary<string, ModelSpec> Models { get; }

    /// <summary>For each purpose, its models in order of preference.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Purposes => Config.PurposeModels;

    /// <summary>Resolves <paramref name="config"/>; <paramref name="environment"/> supplies <c>OLLAMA_HOST</c>.</summary>
    public static ModelCatalog From(ModelsConfig config, Func<string, string?> environment)
    {
        var endpoints = config.Endpoints.Select(e => new ModelEndpoint
        {
            Name = e.Key,
            Protocol = Protocol(e.Value.Protocol),
            BaseUrl = e.Value.Url ?? e.Value.Protocol switch
            {
                "ollama" => OllamaHost(environment("OLLAMA_HOST")),
                "anthropic" => new Uri("https://api.anthropic.com/"),
                _ => new Uri("https://api.openai.com/v1/"),
            },
            ApiKeyEnv = e.Value.ApiKeyEnv,
            Cloud = e.Value.Cloud,
            RequestTimeout = e.Value.RequestTimeout,
        }).ToList();
        var byName = endpoints.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var models = config.Models.ToDictionary(
            m => m.Key,
            m => new ModelSpec { Name = m.Key, Endpoint = byName[m.Value.Endpoint], Config = m.Value, Cloud = byName[m.Value.Endpoint].Cloud },
            StringComparer.Ordinal);
        return new ModelCatalog(config, endpoints, models);
    }

    /// <summary>
    /// Ollama's <c>OLLAMA_HOST</c> as Ollama itself reads it: <c>host</c>, <c>host:port</c> or a URL; a
    /// listen-everywhere address (<c>0.0.0.0</c>) means this machine.
    /// </summary>
    public static Uri OllamaHost(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultOllama;
        }

        var text = value.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return DefaultOllama;
        }

        var builder = new UriBuilder(uri) { Path = "/" };
        if (uri.IsDefaultPort && !value.Contains(':', StringComparison.Ordinal))
        {
            builder.Port = 11434;
        }

        if (builder.Host is "0.0.0.0" or "[::]" or "::")
        {
            builder.Host = "127.0.0.1";
        }

        return builder.Uri;
    }

    private static ModelProtocol Protocol(string name) => name switch
    {
        "ollama" => ModelProtocol.Ollama,
        "openai" => ModelProtocol.OpenAi,
        "anthropic" => ModelProtocol.Anthropic,
        _ => throw new ArgumentException($"unknown protocol '{name}'"),
    };
}
