using Anthropic.Exceptions;

namespace Wilson.Llm.Providers;

/// <summary>Reads the Anthropic library's exceptions.</summary>
internal static class AnthropicFailures
{
    public static Func<Exception, ProviderFailure?> For(ModelEndpoint endpoint, string model) => exception => exception switch
    {
        AnthropicApiException api => StatusFailures.From((int)api.StatusCode, api.ApiMessage ?? api.ResponseBody ?? "", endpoint, model),
        AnthropicSseException or AnthropicInvalidDataException =>
            new(ModelErrorKind.MalformedResponse, $"{model} on {endpoint.Name} sent an answer that cannot be read: {exception.Message}"),
        AnthropicIOException { InnerException: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } } =>
            new(ModelErrorKind.Unreachable, $"{endpoint.Name} at {endpoint.BaseUrl} does not answer: is the address right?"),
        AnthropicIOException => new(ModelErrorKind.ConnectionLost, $"the connection to {endpoint.Name} closed before {model} finished its answer"),
        _ => null,
    };
}
