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
                expires && m.TryGetProperty("expires_at", out var at) && at.TryGetDateTimeOffset(out var expiry) ? expiry : null))]
            : [];
}

/// <summary>A model as Ollama lists it.</summary>
public sealed record OllamaModelInfo(string Name, long SizeBytes, long? SizeVramBytes, DateTimeOffset? ExpiresAt);
