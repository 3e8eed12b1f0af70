using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers.OpenAi;

/// <summary>
/// OpenAI's chat completions as an <see cref="IChatClient"/>, for every server that speaks them (OpenAI,
/// Groq, OpenRouter, vLLM, LM Studio, llama.cpp): <c>POST {base}/chat/completions</c>, streamed, tools included.
/// A null <c>key</c> sends no Authorization header (a server on this machine that takes none).
/// </summary>
internal sealed class OpenAiChatClient(HttpClient http, ModelEndpoint endpoint, string model, string? key, int defaultMaxTokens)
    : SseChatClient(http, endpoint, model, "openai")
{
    protected override HttpRequestMessage CreateRequest(string model, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Under("chat/completions"))
        {
            Content = JsonContent.Create(OpenAiRequest.Body(model, messages, options, defaultMaxTokens)),
        };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    protected override ISseAnswerReader CreateReader(string model) => new OpenAiStreamReader(Endpoint, model);
}
