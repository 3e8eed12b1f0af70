using System.ClientModel;

namespace Wilson.Llm.Providers;

/// <summary>Reads the OpenAI library's exceptions.</summary>
internal static class OpenAiFailures
{
    public static Func<Exception, ProviderFailure?> For(ModelEndpoint endpoint, string model) => exception => exception switch
    {
        ClientResultException { Status: > 0 } result => StatusFailures.From(result.Status, result.Message, endpoint, model, RetryAfter(result)),
        ClientResultException { InnerException: { } inner } => For(endpoint, model)(inner),
        _ => null,
    };

    private static TimeSpan? RetryAfter(ClientResultException exception) =>
        exception.GetRawResponse() is { } response && response.Headers.TryGetValue("Retry-After", out var value)
            && double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
