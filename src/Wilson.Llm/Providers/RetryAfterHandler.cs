using System.Runtime.CompilerServices;

namespace Wilson.Llm.Providers;

/// <summary>
/// Notes the Retry-After of a refused response for the call in flight: the Anthropic library's
/// exceptions do not carry response headers, and a router needs the wait the server asked for.
/// </summary>
internal sealed class RetryAfterHandler : DelegatingHandler
{
    private static readonly AsyncLocal<StrongBox<TimeSpan?>?> Current = new();

    /// <summary>Starts noting for the calls made from here on in this async flow; read the box after a failure.</summary>
    public static StrongBox<TimeSpan?> Begin()
    {
        var box = new StrongBox<TimeSpan?>();
        Current.Value = box;
        return box;
    }

    /// <summary>The wait a response asks for (Retry-After as seconds or as a date); null when it asks none.</summary>
    public static TimeSpan? Read(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - TimeProvider.System.GetUtcNow(),
            _ => null,
        };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (Current.Value is { } box && Read(response) is { } wait)
        {
            box.Value = wait;
        }

        return response;
    }
}
