using Microsoft.Extensions.AI;

namespace Wilson.Llm.Routing;

/// <summary>A streamed answer made whole, keeping what its first update says about the route (model, fallback).</summary>
internal static class RoutedResponse
{
    public static async Task<ChatResponse> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> stream)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in stream)
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        // The route is on the first update; merging updates need not keep it on the response.
        if (updates.Count > 0 && updates[0].AdditionalProperties is { } route)
        {
            response.AdditionalProperties ??= [];
            foreach (var (key, value) in route)
            {
                response.AdditionalProperties[key] = value;
            }
        }

        return response;
    }
}
