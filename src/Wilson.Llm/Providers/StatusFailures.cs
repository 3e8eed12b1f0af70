namespace Wilson.Llm.Providers;

/// <summary>An HTTP status from a cloud endpoint, read as what to do about it.</summary>
internal static class StatusFailures
{
    public static ProviderFailure From(int status, string detail, ModelEndpoint endpoint, string model, TimeSpan? retryAfter = null)
    {
        var brief = detail.Length <= 300 ? detail : detail[..300] + "...";
        return status switch
        {
            401 or 403 => new(ModelErrorKind.Unauthorized, endpoint.ApiKeyEnv is { } env
                ? $"{endpoint.Name} refused the key in {env} ({status}): check it, or set a valid one with `export {env}=...`"
                : $"{endpoint.Name} refused the request without a key ({status}): {NeedsKey(endpoint)}"),
            404 => new(ModelErrorKind.ModelNotFound, $"{endpoint.Name} has no model {model} ({brief}): check the model name in wilson.yaml"),
            429 => new(ModelErrorKind.RateLimited, $"{endpoint.Name} is rate limiting calls to {model} (429): {brief}", retryAfter),
            >= 500 when detail.Contains("memory", StringComparison.OrdinalIgnoreCase) =>
                new(ModelErrorKind.OutOfMemory, $"{endpoint.Name} cannot load {model}: not enough memory ({brief})"),
            >= 500 => new(ModelErrorKind.ServerError, $"{endpoint.Name} failed while running {model} ({status}): {brief}"),
            _ => new(ModelErrorKind.BadRequest, $"{endpoint.Name} refused the request for {model} ({status}): {brief}"),
        };
    }

    /// <summary>What to do when an endpoint called without a key wants one.</summary>
    public static string NeedsKey(ModelEndpoint endpoint) =>
        $"it needs a key; set models.endpoints.{endpoint.Name}.api_key_env in wilson.yaml to the environment variable holding it, and export that variable";
}
