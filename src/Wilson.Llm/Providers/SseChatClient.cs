using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers;

/// <summary>
/// A chat protocol whose answers stream as server-sent events (OpenAI-compatible and Anthropic). Every
/// call streams, including <see cref="GetResponseAsync"/>, so the timeout on silence covers it too. The
/// events are split by <see cref="SseParser"/> and each is read once, forward, by the protocol's
/// <see cref="ISseAnswerReader"/>: nearly every event is one token, so what an event costs is what a token costs.
/// </summary>
internal abstract class SseChatClient : IChatClient
{
    private readonly HttpClient _http;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates a client for <paramref name="model"/> on <paramref name="endpoint"/>; the HttpClient is not owned.</summary>
    protected SseChatClient(HttpClient http, ModelEndpoint endpoint, string model, string providerName)
    {
        _http = http;
        Endpoint = endpoint;
        Model = model;
        _metadata = new ChatClientMetadata(providerName, endpoint.BaseUrl, model);
    }

    protected ModelEndpoint Endpoint { get; }

    protected string Model { get; }

    /// <summary>An address under the endpoint's base, whether or not the base was written with its last slash.</summary>
    protected Uri Under(string path) => new(Endpoint.BaseUrl.AbsoluteUri.TrimEnd('/') + "/" + path);

    /// <summary>The streaming request for <paramref name="model"/>, with its key.</summary>
    protected abstract HttpRequestMessage CreateRequest(string model, IEnumerable<ChatMessage> messages, ChatOptions? options);

    /// <summary>A reader for one answer of <paramref name="model"/>.</summary>
    protected abstract ISseAnswerReader CreateReader(string model);

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var model = options?.ModelId ?? Model;
        using var request = CreateRequest(model, messages, options);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await CloudErrors.FromResponseAsync(response, Endpoint, model, cancellationToken);
        }

        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            throw CloudErrors.NotAStream(await response.Content.ReadAsStringAsync(cancellationToken), Endpoint, model);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = CreateReader(model);
        ChatResponseUpdate? Read(string eventType, ReadOnlySpan<byte> data)
        {
            try
            {
                return reader.Read(eventType, data);
            }
            catch (JsonException ex)
            {
                throw MalformedAnswer.Error(Endpoint, model, data, $"invalid JSON ({ex.Message})");
            }
        }

        await foreach (var item in SseParser.Create(stream, Read).EnumerateAsync(cancellationToken))
        {
            if (item.Data is { } update)
            {
                yield return update;
            }

            if (reader.Finished)
            {
                yield break;
            }
        }

        if (reader.End() is { } last)
        {
            yield return last;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    /// <inheritdoc />
    public void Dispose()
    {
        // The HttpClient belongs to the caller.
    }
}
