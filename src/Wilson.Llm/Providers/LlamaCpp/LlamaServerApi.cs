using System.Net.Http.Headers;
using System.Text.Json;

namespace Wilson.Llm.Providers.LlamaCpp;

/// <summary>
/// The one part of llama.cpp's own API Wilson reads: <c>GET /props</c>, at the server's root (not under <c>/v1</c>).
/// Other OpenAI-compatible servers have no such route; for them there is nothing to read, which is not an error.
/// </summary>
internal sealed class LlamaServerApi(HttpClient http, ModelEndpoint endpoint, string? key)
{
    /// <summary>The server's properties; null when it is not llama.cpp (no <c>/props</c>, or not in llama.cpp's shape).</summary>
    /// <exception cref="HttpRequestException">Nothing answers at the endpoint's address.</exception>
    public async Task<LlamaServerProps?> PropsAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, PropsUri(endpoint.BaseUrl));
        if (key is not null)
        {
            // llama-server started with --api-key wants it here too.
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return Read(document.RootElement);
        }
        catch (JsonException)
        {
            // A web page or another server's answer at that path.
            return null;
        }
    }

    /// <summary><c>/props</c> beside the OpenAI routes: <c>http://host:8080/v1/</c> gives <c>http://host:8080/props</c>.</summary>
    internal static Uri PropsUri(Uri baseUrl)
    {
        var root = baseUrl.AbsoluteUri.TrimEnd('/');
        if (root.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            root = root[..^"/v1".Length];
        }

        return new Uri(root + "/props");
    }

    private static LlamaServerProps? Read(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("default_generation_settings", out var settings)
        && JsonFields.Number(settings, "n_ctx") is { } context and > 0 and <= int.MaxValue
            ? new LlamaServerProps((int)context, JsonFields.Number(root, "total_slots") is { } slots and > 0 and <= int.MaxValue ? (int)slots : null)
            : null;
}
