using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Wilson.Core.Configuration;

/// <summary>Reads the <c>models</c> section strictly: every error names its key and line, unknown keys get "did you mean".</summary>
public static class ModelsConfigParser
{
    private const string Section = "models";
    private static readonly string[] SectionKeys = ["endpoints", "models", "purposes", "memory_budget", "budgets"];
    private static readonly string[] EndpointKeys = ["protocol", "url", "api_key_env", "cloud", "request_timeout"];
    private static readonly string[] Protocols = ["ollama", "openai", "anthropic"];
    private static readonly string[] ModelKeys =
        ["endpoint", "keep_alive", "idle_timeout", "num_ctx", "max_output_tokens", "cost_in", "cost_out", "supports_tools", "constrained_calls", "max_concurrency", "size"];
    private static readonly string[] BudgetKeys = ["item_tokens", "item_cost", "project_day_tokens", "project_day_cost", "day_tokens", "day_cost"];

    public static ModelsConfig Parse(StrictYamlReader reader, YamlMappingNode section)
    {
        reader.RequireKnownKeys(section, Section, SectionKeys);
        var endpoints = Named(reader, section, "endpoints", (map, path) => Endpoint(reader, map, path));
        var models = Named(reader, section, "models", (map, path) => Model(reader, map, path, endpoints));
        return new ModelsConfig
        {
            Endpoints = endpoints,
            Models = models,
            PurposeModels = Purposes(reader, section, models),
            MemoryBudgetBytes = Size(reader, section, Section, "memory_budget"),
            Budgets = reader.GetMapping(section, Section, "budgets") is { } budgets ? Budgets(reader, budgets) : new BudgetConfig(),
        };
    }

    private static Dictionary<string, T> Named<T>(StrictYamlReader reader, YamlMappingNode section, string key, Func<YamlMappingNode, string, T> read)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        if (reader.GetMapping(section, Section, key) is not { } map)
        {
            return result;
        }

        foreach (var (nameNode, valueNode) in map.Children)
        {
            var name = (nameNode as YamlScalarNode)?.Value ?? "";
            var path = $"{Section}.{key}.{name}";
            if (valueNode is not YamlMappingNode entry)
            {
                throw reader.Error(valueNode, path, "expected a mapping of settings");
            }

            result[name] = read(entry, path);
        }

        return result;
    }

    private static EndpointConfig Endpoint(StrictYamlReader reader, YamlMappingNode map, string path)
    {
        reader.RequireKnownKeys(map, path, EndpointKeys);
        var protocol = reader.RequireString(map, path, "protocol");
        if (!Protocols.Contains(protocol))
        {
            throw reader.Error(StrictYamlReader.Find(map, "protocol")!, $"{path}.protocol",
                $"unknown protocol '{protocol}'{Suggestions.DidYouMean(protocol, Protocols)}; known: {string.Join(", ", Protocols)}");
        }

        Uri? url = null;
        if (reader.GetString(map, path, "url") is { Length: > 0 } text)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
            {
                throw reader.Error(StrictYamlReader.Find(map, "url")!, $"{path}.url", $"expected an http:// or https:// address, not '{text}'");
            }

            // A base address with a path (…/v1) must end in '/' for relative paths to land under it.
            url = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
        }

        // A server on this machine (llama.cpp, LM Studio, vLLM) usually takes no key and costs nothing.
        var onThisMachine = url is { IsLoopback: true };
        var keyEnv = reader.GetString(map, path, "api_key_env") is { Length: > 0 } env ? env : null;
        if (protocol == "anthropic" && keyEnv is null && !onThisMachine)
        {
            throw reader.Error(map, $"{path}.api_key_env", "is required for anthropic: the name of the environment variable holding the key, e.g. ANTHROPIC_API_KEY");
        }

        return new EndpointConfig
        {
            Protocol = protocol,
            Url = url,
            ApiKeyEnv = keyEnv,
            Cloud = reader.GetBool(map, path, "cloud") ?? (protocol != "ollama" && !onThisMachine),
            RequestTimeout = Positive(reader, map, path, "request_timeout") ?? TimeSpan.FromMinutes(2),
        };
    }

    private static ModelConfig Model(StrictYamlReader reader, YamlMappingNode map, string path, Dictionary<string, EndpointConfig> endpoints)
    {
        reader.RequireKnownKeys(map, path, ModelKeys);
        var endpoint = reader.RequireString(map, path, "endpoint");
        if (!endpoints.ContainsKey(endpoint))
        {
            throw reader.Error(StrictYamlReader.Find(map, "endpoint")!, $"{path}.endpoint",
                $"no endpoint named '{endpoint}'{Suggestions.DidYouMean(endpoint, endpoints.Keys)}; define it under models.endpoints");
        }

        var defaults = new ModelConfig { Endpoint = endpoint };
        var numCtx = reader.GetInt(map, path, "num_ctx", 256, 10_000_000);
        var maxOutputTokens = reader.GetInt(map, path, "max_output_tokens", 1, 10_000_000);
        if (maxOutputTokens >= numCtx)
        {
            throw reader.Error(StrictYamlReader.Find(map, "max_output_tokens")!, $"{path}.max_output_tokens",
                $"is {maxOutputTokens} but num_ctx is {numCtx}: the answer must leave room for the prompt in the context window");
        }

        if (reader.GetBool(map, path, "constrained_calls") == true && reader.GetBool(map, path, "supports_tools") != false)
        {
            throw reader.Error(StrictYamlReader.Find(map, "constrained_calls")!, $"{path}.constrained_calls",
                "is for a model called without native tools: set supports_tools: false too, or remove it");
        }

        return defaults with
        {
            KeepAlive = reader.GetBool(map, path, "keep_alive") ?? defaults.KeepAlive,
            IdleTimeout = reader.GetDuration(map, path, "idle_timeout") ?? defaults.IdleTimeout,
            NumCtx = numCtx,
            MaxOutputTokens = maxOutputTokens ?? defaults.MaxOutputTokens,
            CostPerMillionIn = Money(reader, map, path, "cost_in") ?? 0m,
            CostPerMillionOut = Money(reader, map, path, "cost_out") ?? 0m,
            SupportsTools = reader.GetBool(map, path, "supports_tools") ?? defaults.SupportsTools,
            ConstrainedCalls = reader.GetBool(map, path, "constrained_calls") ?? defaults.ConstrainedCalls,
            MaxConcurrency = reader.GetInt(map, path, "max_concurrency", 1, 1_000) ?? defaults.MaxConcurrency,
            SizeBytes = Size(reader, map, path, "size"),
        };
    }

    private static Dictionary<string, IReadOnlyList<string>> Purposes(StrictYamlReader reader, YamlMappingNode section, Dictionary<string, ModelConfig> models)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (reader.GetMapping(section, Section, "purposes") is not { } map)
        {
            return result;
        }

        reader.RequireKnownKeys(map, $"{Section}.purposes", ModelsConfig.Purposes.ToArray());
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var purpose = ((YamlScalarNode)keyNode).Value!;
            var path = $"{Section}.purposes.{purpose}";
            IReadOnlyList<YamlScalarNode> names = valueNode switch
            {
                YamlScalarNode scalar => [scalar],
                YamlSequenceNode sequence when sequence.Children.All(c => c is YamlScalarNode) => [.. sequence.Children.Cast<YamlScalarNode>()],
                _ => throw reader.Error(valueNode, path, "expected a model name or a list of them, in order of preference"),
            };
            foreach (var name in names.Where(n => !models.ContainsKey(n.Value ?? "")))
            {
                throw reader.Error(name, path, $"no model named '{name.Value}'{Suggestions.DidYouMean(name.Value ?? "", models.Keys)}; define it under models.models");
            }

            result[purpose] = [.. names.Select(n => n.Value!)];
        }

        return result;
    }

    private static BudgetConfig Budgets(StrictYamlReader reader, YamlMappingNode map)
    {
        const string path = $"{Section}.budgets";
        reader.RequireKnownKeys(map, path, BudgetKeys);
        return new BudgetConfig
        {
            ItemTokens = reader.GetString(map, path, "item_tokens") is "none" ? null : Tokens(reader, map, path, "item_tokens") ?? BudgetConfig.DefaultItemTokens,
            ItemCost = Money(reader, map, path, "item_cost"),
            ProjectDayTokens = Tokens(reader, map, path, "project_day_tokens"),
            ProjectDayCost = Money(reader, map, path, "project_day_cost"),
            DayTokens = Tokens(reader, map, path, "day_tokens"),
            DayCost = Money(reader, map, path, "day_cost"),
        };
    }

    private static TimeSpan? Positive(StrictYamlReader reader, YamlMappingNode map, string path, string key) =>
        reader.GetDuration(map, path, key) switch
        {
            { } value when value <= TimeSpan.Zero => throw reader.Error(StrictYamlReader.Find(map, key)!, $"{path}.{key}", "must be more than zero"),
            var value => value,
        };

    private static decimal? Money(StrictYamlReader reader, YamlMappingNode map, string path, string key) =>
        reader.GetString(map, path, key) switch
        {
            null or "" => null,
            var text when decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= 0 => value,
            var text => throw reader.Error(StrictYamlReader.Find(map, key)!, $"{path}.{key}", $"expected an amount like 0.15, not '{text}'"),
        };

    private static long? Tokens(StrictYamlReader reader, YamlMappingNode map, string path, string key) =>
        reader.GetString(map, path, key) switch
        {
            null or "" => null,
            var text when long.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 => value,
            var text => throw reader.Error(StrictYamlReader.Find(map, key)!, $"{path}.{key}", $"expected a number of tokens like 2000000, not '{text}'"),
        };

    private static long? Size(StrictYamlReader reader, YamlMappingNode map, string path, string key) =>
        reader.GetString(map, path, key) switch
        {
            null or "" or "auto" => null,
            var text when ByteSize.TryParse(text, out var bytes) => bytes,
            var text => throw reader.Error(StrictYamlReader.Find(map, key)!, $"{path}.{key}", $"expected a size like 4.7GB or 512MB, not '{text}'"),
        };
}
