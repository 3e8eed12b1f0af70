using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers.Anthropic;

/// <summary>
/// Anthropic's messages API as an <see cref="IChatClient"/>: <c>POST {base}/v1/messages</c>, streamed, tools included.
/// A null <c>key</c> sends no x-api-key header (a server on this machine, such as llama.cpp's, that takes none).
/// </summary>
internal sealed class AnthropicChatClient(HttpClient http, ModelEndpoint endpoint, string model, string? key, int defaultMaxTokens)
    : SseChatClient(http, endpoint, model, "anthropic")
{
    /// <summary>The API version Wilson speaks (the one Anthropic documents for the messages API).</summary>
    public const string ApiVersion = "2023-06-01";

    protected override HttpRequestMessage CreateRequest(string model, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Under("v1/messages"))
        {
            Content = JsonContent.Create(AnthropicRequest.Body(model, messages, options, defaultMaxTokens)),
        };
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }

        request.Headers.Add("anthropic-version", ApiVersion);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    protected override ISseAnswerReader CreateReader(string model) => new AnthropicStreamReader(Endpoint, model);
}
