using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wilson.Llm.Providers.Ollama;

/// <summary>Ollama's management API: version, pulled and loaded models, load and unload.</summary>
public sealed class OllamaApi(HttpClient http, ModelEndpoint endpoint)
{
    /// <summary>The server's version, and how long it took to answer.</summary>
    public async Task<(string Version, TimeSpan Latency)> VersionAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var document = await GetAsync("api/version", null, cancellationToken);
        return (document.RootElement.GetProperty("version").GetString() ?? "", Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The models pulled on the host (<c>/api/tags</c>).</summary>
    public async Task<IReadOnlyList<OllamaModelInfo>> PulledAsync(CancellationToken cancellationToken)
    {
        using var document = await GetAsync("api/tags", null, cancellationToken);
        return Models(document, expires: false);
    }

    /// <summary>The models loaded in memory now (<c>/api/ps</c>).</summary>
    public async Task<IReadOnlyList<OllamaModelInfo>> LoadedAsync(CancellationToken cancellationToken)
    {
        using var document = await GetAsync("api/ps", null, cancellationToken);
        return Models(document, expires: true);
    }

    /// <summary>
    /// The context window <paramref name="model"/> was trained for (<c>/api/show</c>'s <c>&lt;family&gt;.context_length</c>),
    /// the most it can be loaded with; null when the server does not say.
    /// </summary>
    /// <exception cref="ModelCallException">The model is not pulled, or the server failed.</exception>
    public async Task<int?> ContextLengthAsync(string model, CancellationToken cancellationToken)
    {
        using var document = await PostAsync("api/show", new JsonObject { ["model"] = model }, model, cancellationToken);
        if (!document.RootElement.TryGetProperty("model_info", out var info) || info.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (info.TryGetProperty("general.architecture", out var family) && family.ValueKind == JsonValueKind.String
            && ContextLength(info, $"{family.GetString()}.context_length") is { } trained)
        {
            return trained;
        }

        // A model that does not name its architecture: the context length it gives under another name.
        foreach (var property in info.EnumerateObject())
        {
            if (property.Name.EndsWith(".context_length", StringComparison.Ordinal) && ContextLength(info, property.Name) is { } length)
            {
                return length;
            }
        }

        return null;
    }

    /// <summary>Loads <paramref name="model"/> and keeps it for <paramref name="keepAlive"/> (negative = until unloaded).</summary>
    public Task LoadAsync(string model, TimeSpan keepAlive, CancellationToken cancellationToken) =>
        GenerateAsync(model, OllamaJson.KeepAlive(keepAlive), cancellationToken);

    /// <summary>Unloads <paramref name="model"/> now (<c>keep_alive: 0</c>).</summary>
    public Task UnloadAsync(string model, CancellationToken cancellationToken) =>
        GenerateAsync(model, JsonValue.Create(0), cancellationToken);

    private async Task GenerateAsync(string model, JsonNode keepAlive, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["model"] = model, ["keep_alive"] = keepAlive, ["stream"] = false };
        using var document = await PostAsync("api/generate", body, model, cancellationToken);
    }

    private async Task<JsonDocument> GetAsync(string path, string? model, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(endpoint.BaseUrl, path), cancellationToken);
        return await ReadAsync(response, model, cancellationToken);
    }

    private async Task<JsonDocument> PostAsync(string path, JsonObject body, string model, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri(endpoint.BaseUrl, path), JsonContent.Create(body), cancellationToken);
        return await ReadAsync(response, model, cancellationToken);
    }

    private async Task<JsonDocument> ReadAsync(HttpResponseMessage response, string? model, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await OllamaErrors.FromResponseAsync(response, endpoint, model ?? "", cancellationToken);
        }

        try
        {
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (JsonException ex)
        {
            throw new ModelCallException(ModelErrorKind.MalformedResponse, endpoint.Name, model, $"{endpoint.Name} answered {response.RequestMessage?.RequestUri?.AbsolutePath} with invalid JSON: {ex.Message}");
        }
    }

    private static List<OllamaModelInfo> Models(JsonDocument document, bool expires) =>
        document.RootElement.TryGetProperty("models", out var models) && models.ValueKind == JsonValueKind.Array
            ? [.. models.EnumerateArray().Select(m => new OllamaModelInfo(
                m.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "",
                m.TryGetProperty("size", out var size) && size.TryGetInt64(out var bytes) ? bytes : 0,
                m.TryGetProperty("size_vram", out var vram) && vram.TryGetInt64(out var vramBytes) ? vramBytes : null,
                expires && m.TryGetProperty("expires_at", out var at) && at.TryGetDateTimeOffset(out var expiry) ? expiry : null,
                ContextLength(m, "context_length")))]
            : [];

    private static int? ContextLength(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var tokens) && tokens > 0 ? tokens : null;
}

/// <summary>A model as Ollama lists it.</summary>
/// <param name="Name">Its name with its tag (<c>qwen2.5-coder:7b</c>, <c>llama3:latest</c>).</param>
/// <param name="SizeBytes">Its size on disk, or in memory when loaded.</param>
/// <param name="SizeVramBytes">How much of it is in GPU memory (<c>/api/ps</c>); null when not loaded.</param>
/// <param name="ExpiresAt">When Ollama unloads it unless it is used (<c>/api/ps</c>); null when not loaded.</param>
/// <param name="ContextLength">The context window it is loaded with (<c>/api/ps</c>); null when not loaded, or the server does not say.</param>
public sealed record OllamaModelInfo(string Name, long SizeBytes, long? SizeVramBytes, DateTimeOffset? ExpiresAt, int? ContextLength = null);
