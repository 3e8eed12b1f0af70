namespace Wilson.Llm;

/// <summary>A server that answers model calls: where it is, which protocol it speaks and where its key comes from.</summary>
public sealed record ModelEndpoint
{
    /// <summary>The name the configuration gives it (<c>local</c>, <c>groq</c>); used in messages and events.</summary>
    public required string Name { get; init; }

    /// <summary>The protocol it speaks.</summary>
    public required ModelProtocol Protocol { get; init; }

    /// <summary>
    /// Its base address: Ollama's root (<c>http://127.0.0.1:11434/</c>), an OpenAI-compatible base with
    /// <c>/v1</c> (<c>https://api.groq.com/openai/v1/</c>), or Anthropic's root (<c>https://api.anthropic.com/</c>).
    /// </summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>
    /// The environment variable holding the key; the key itself is never configured or stored. Null: no key is
    /// sent, which only Ollama and a server on this machine (a loopback <see cref="BaseUrl"/>) accept.
    /// </summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>True when calls leave the machine and cost money (wilson.yaml's <c>cloud</c>); such a server is not asked for its llama.cpp properties.</summary>
    public bool Cloud { get; init; }

    /// <summary>How long a call may wait for its first chunk, and then for each next one, before it fails as a timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
