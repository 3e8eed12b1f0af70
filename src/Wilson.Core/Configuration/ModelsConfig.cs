namespace Wilson.Core.Configuration;

/// <summary>The <c>models</c> section of <c>wilson.yaml</c>: where models run, which does what, and what may be spent.</summary>
public sealed record ModelsConfig
{
    /// <summary>The purposes a model can serve; <c>chat</c> is Wilson's own conversation, the rest are roles.</summary>
    public static readonly IReadOnlyList<string> Purposes = ["chat", "plan", "code", "test", "review", "security", "docs"];

    /// <summary>No models configured.</summary>
    public static readonly ModelsConfig Empty = new();

    /// <summary>Endpoints by name.</summary>
    public IReadOnlyDictionary<string, EndpointConfig> Endpoints { get; init; } = new Dictionary<string, EndpointConfig>();

    /// <summary>Models by name (as the endpoint knows them, e.g. <c>qwen2.5-coder:7b</c>).</summary>
    public IReadOnlyDictionary<string, ModelConfig> Models { get; init; } = new Dictionary<string, ModelConfig>();

    /// <summary>For each purpose, its models in order of preference (the first that is up and fits wins).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PurposeModels { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Memory models may take when loaded, in bytes; null = the machine's detected memory.</summary>
    public long? MemoryBudgetBytes { get; init; }

    /// <summary>Spending limits; null fields are unlimited.</summary>
    public BudgetConfig Budgets { get; init; } = new();

    /// <summary>True when no model is configured at all (Wilson then runs only mechanical work).</summary>
    public bool IsEmpty => Models.Count == 0;
}

/// <summary>One server that answers model calls.</summary>
public sealed record EndpointConfig
{
    /// <summary><c>ollama</c>, <c>openai</c> (any OpenAI-compatible server) or <c>anthropic</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>The base address; null = the protocol's default (Ollama: <c>$OLLAMA_HOST</c>, else <c>http://127.0.0.1:11434</c>).</summary>
    public Uri? Url { get; init; }

    /// <summary>The environment variable holding the key; null = no key (allowed for Ollama and for a server on this machine).</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>
    /// True when calls cost money and leave the machine; default: false for Ollama and for any server on
    /// this machine (a loopback <see cref="Url"/>), true for the other OpenAI-compatible and Anthropic endpoints.
    /// </summary>
    public required bool Cloud { get; init; }

    /// <summary>How long a call may go without a chunk.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>One model and how Wilson runs it.</summary>
public sealed record ModelConfig
{
    /// <summary>The answer's token limit per call when wilson.yaml does not give <c>max_output_tokens</c>.</summary>
    public const int DefaultMaxOutputTokens = 4096;

    /// <summary>The endpoint it runs on.</summary>
    public required string Endpoint { get; init; }

    /// <summary>Stays loaded when nothing uses it, and is loaded at start.</summary>
    public bool KeepAlive { get; init; }

    /// <summary>How long it stays loaded once nothing uses it (zero = unloaded at once); ignored when <see cref="KeepAlive"/>.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The context window to load it with; null = the model's default.</summary>
    public int? NumCtx { get; init; }

    /// <summary>The most tokens one answer may take, sent with every call that does not set its own limit.</summary>
    public int MaxOutputTokens { get; init; } = DefaultMaxOutputTokens;

    /// <summary>Price per million input tokens (in the budget's currency).</summary>
    public decimal CostPerMillionIn { get; init; }

    /// <summary>Price per million output tokens.</summary>
    public decimal CostPerMillionOut { get; init; }

    /// <summary>Whether the model can call tools natively.</summary>
    public bool SupportsTools { get; init; } = true;

    /// <summary>
    /// Without native tools: each answer is one JSON call the server constrains its output to (Ollama's
    /// <c>format</c>, an OpenAI-compatible server's <c>response_format</c>), so a weak model's calls always parse.
    /// </summary>
    public bool ConstrainedCalls { get; init; }

    /// <summary>How many calls it may serve at once.</summary>
    public int MaxConcurrency { get; init; } = 1;

    /// <summary>Memory it takes when loaded, in bytes; null = as the endpoint reports.</summary>
    public long? SizeBytes { get; init; }
}

/// <summary>Spending limits in tokens and money; a call that would pass one is stopped before it is made.</summary>
public sealed record BudgetConfig
{
    /// <summary>The tokens one item may use unless <c>item_tokens</c> says otherwise (<c>none</c> lifts the limit).</summary>
    public const long DefaultItemTokens = 2_000_000;

    public long? ItemTokens { get; init; } = DefaultItemTokens;

    public decimal? ItemCost { get; init; }

    public long? ProjectDayTokens { get; init; }

    public decimal? ProjectDayCost { get; init; }

    public long? DayTokens { get; init; }

    public decimal? DayCost { get; init; }
}
