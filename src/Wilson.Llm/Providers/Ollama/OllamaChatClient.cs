using System.Buffers;
using System.IO.Pipelines;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers.Ollama;

/// <summary>
/// Ollama's native chat API as an <see cref="IChatClient"/>: <c>POST /api/chat</c>, streamed as NDJSON,
/// tools included. A thin client on HttpClient against the documented API: no Ollama library restores here.
/// </summary>
public sealed class OllamaChatClient : IChatClient
{
    private readonly HttpClient _http;
    private readonly ModelEndpoint _endpoint;
    private readonly string _model;
    private readonly OllamaModelOptions _options;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates a client for <paramref name="model"/> on <paramref name="endpoint"/>; the HttpClient is not owned.</summary>
    public OllamaChatClient(HttpClient http, ModelEndpoint endpoint, string model, OllamaModelOptions? options = null)
    {
        _http = http;
        _endpoint = endpoint;
        _model = model;
        _options = options ?? new OllamaModelOptions();
        _metadata = new ChatClientMetadata("ollama", endpoint.BaseUrl, model);
    }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var model = options?.ModelId ?? _model;
        var body = OllamaJson.ChatRequest(model, messages, options, _options);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_endpoint.BaseUrl, "api/chat")) { Content = JsonContent.Create(body) };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await OllamaErrors.FromResponseAsync(response, _endpoint, model, cancellationToken);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var lines = PipeReader.Create(stream);
        var responseId = $"ollama-{Guid.NewGuid():N}";
        var calledTools = false;
        var callNumber = 0;
        try
        {
            while (true)
            {
                var read = await lines.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                while (NextLine(ref buffer, read.IsCompleted, out var line))
                {
                    if (line.IsEmpty)
                    {
                        continue;
                    }

                    var chunk = OllamaChunk.Parse(line.IsSingleSegment ? line.FirstSpan : line.ToArray(), _endpoint, model);
                    var update = ToUpdate(chunk, responseId, model, ref calledTools, ref callNumber);
                    if (update is not null)
                    {
                        yield return update;
                    }

                    if (chunk.Done)
                    {
                        yield break;
                    }
                }

                if (read.IsCompleted)
                {
                    throw MalformedAnswer.Unfinished(_endpoint, model);
                }

                lines.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await lines.CompleteAsync();
        }
    }

    // Takes the next line off the buffer; at the end of the stream, what is left is the last line.
    private static bool NextLine(ref ReadOnlySequence<byte> buffer, bool completed, out ReadOnlySequence<byte> line)
    {
        if (buffer.PositionOf((byte)'\n') is { } end)
        {
            line = buffer.Slice(0, end);
            buffer = buffer.Slice(buffer.GetPosition(1, end));
            return true;
        }

        if (completed && !buffer.IsEmpty)
        {
            line = buffer;
            buffer = buffer.Slice(buffer.End);
            return true;
        }

        line = default;
        return false;
    }

    private static ChatResponseUpdate? ToUpdate(OllamaChunk chunk, string responseId, string model, ref bool calledTools, ref int callNumber)
    {
        var update = new ChatResponseUpdate(ChatRole.Assistant, []) { ResponseId = responseId, ModelId = model, CreatedAt = chunk.CreatedAt };
        if (chunk.Content.Length > 0)
        {
            update.Contents.Add(new TextContent(chunk.Content));
        }

        foreach (var (name, arguments) in chunk.ToolCalls)
        {
            calledTools = true;
            update.Contents.Add(ToolCallArguments.Read($"call_{++callNumber}", name, arguments));
        }

        if (chunk.Done)
        {
            update.FinishReason = calledTools ? ChatFinishReason.ToolCalls : chunk.DoneReason == "length" ? ChatFinishReason.Length : ChatFinishReason.Stop;
            update.Contents.Add(new UsageContent(new UsageDetails
            {
                InputTokenCount = chunk.PromptEvalCount,
                OutputTokenCount = chunk.EvalCount,
                TotalTokenCount = chunk.PromptEvalCount + chunk.EvalCount,
            }));
            return update;
        }

        return update.Contents.Count > 0 ? update : null;
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
