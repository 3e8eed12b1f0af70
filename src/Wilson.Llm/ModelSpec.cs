using Wilson.Core.Configuration;

namespace Wilson.Llm;

/// <summary>A configured model with its endpoint resolved: everything needed to load it, call it and account for it.</summary>
public sealed record ModelSpec
{
    /// <summary>The model's name as its endpoint knows it.</summary>
    public required string Name { get; init; }

    /// <summary>The endpoint it runs on.</summary>
    public required ModelEndpoint Endpoint { get; init; }

    /// <summary>Its settings from wilson.yaml.</summary>
    public required ModelConfig Config { get; init; }

    /// <summary>True when calls leave the machine and cost money.</summary>
    public required bool Cloud { get; init; }

    /// <summary>Memory it takes when loaded; zero for a cloud model.</summary>
    public long SizeBytes => Cloud ? 0 : Config.SizeBytes ?? 0;

    /// <summary>
    /// The keep_alive Ollama is told on every load and call: "until unloaded" for a keep_alive model; for
    /// the others a minute past the idle timeout, so Wilson's own unload comes first and a crashed Wilson
    /// does not pin the model for ever.
    /// </summary>
    public TimeSpan HostKeepAlive => Config.KeepAlive ? Timeout.InfiniteTimeSpan : Config.IdleTimeout + TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public override string ToString() => $"{Name} on {Endpoint.Name}";
}
