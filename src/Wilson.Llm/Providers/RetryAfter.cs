namespace Wilson.Llm.Providers;

/// <summary>The wait a refused response asks for, so the router can honour it.</summary>
internal static class RetryAfter
{
    /// <summary>Retry-After as seconds or as a date; null when the response asks for none.</summary>
    public static TimeSpan? Read(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - TimeProvider.System.GetUtcNow(),
            _ => null,
        };
}
