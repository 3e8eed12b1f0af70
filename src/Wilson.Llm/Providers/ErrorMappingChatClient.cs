using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers;

/// <summary>
/// The outermost layer of every provider: it bounds how long a call may go without a chunk, and turns
/// every failure into a <see cref="ModelCallException"/> whose message says what happened and never
/// holds the key. Only the caller's own cancellation passes through as <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class ErrorMappingChatClient(
    IChatClient inner, ModelEndpoint endpoint, string model, string? secret, TimeProvider time)
    : DelegatingChatClient(inner)
{
    /// <summary>The provider's own client, without this layer (for the overhead benchmark).</summary>
    internal IChatClient Unwrapped => InnerClient;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var timeout = new CancellationTokenSource(endpoint.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await base.GetResponseAsync(messages, options, linked.Token);
        }
        catch (Exception ex) when (ex is not ModelCallException && !cancellationToken.IsCancellationRequested)
        {
            throw Map(ex, timeout.IsCancellationRequested);
        }
        catch (ModelCallException ex)
        {
            throw Redacted(ex);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var timeout = new CancellationTokenSource(endpoint.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var updates = base.GetStreamingResponseAsync(messages, options, linked.Token).GetAsyncEnumerator(linked.Token);
        var restarted = time.GetTimestamp();
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        yield break;
                    }

                    update = updates.Current;
                }
                catch (Exception ex) when (ex is not ModelCallException && !cancellationToken.IsCancellationRequested)
                {
                    throw Map(ex, timeout.IsCancellationRequested);
                }
                catch (ModelCallException ex)
                {
                    throw Redacted(ex);
                }

                // The limit is on silence, not on the whole answer: chunks restart it. Restarting a timer for
                // every token costs more than the token, so it restarts once a tenth of the limit has passed
                // (a silent endpoint then fails after between nine tenths of the limit and the whole of it).
                var now = time.GetTimestamp();
                if (time.GetElapsedTime(restarted, now) >= endpoint.RequestTimeout / 10)
                {
                    timeout.CancelAfter(endpoint.RequestTimeout);
                    restarted = now;
                }

                yield return update;
            }
        }
        finally
        {
            await updates.DisposeAsync();
        }
    }

    private ModelCallException Map(Exception exception, bool timedOut)
    {
        if (timedOut)
        {
            return new ModelCallException(ModelErrorKind.Timeout, endpoint.Name, model,
                $"{model} on {endpoint.Name} sent nothing for {Describe(endpoint.RequestTimeout)}: the call was stopped (request_timeout)");
        }

        var failure = Generic(exception);
        return new ModelCallException(failure.Kind, endpoint.Name, model, Redact(failure.Message), failure.RetryAfter);
    }

    // Transport failures can come wrapped (an HttpIOException in an IOException, say): the cause is further in.
    private ProviderFailure Generic(Exception exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (Transport(cause) is { } failure)
            {
                return failure;
            }
        }

        return new(ModelErrorKind.ServerError, $"the call to {model} on {endpoint.Name} failed: {exception.Message}");
    }

    private ProviderFailure? Transport(Exception exception) => exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } =>
            new(ModelErrorKind.Unreachable, $"{endpoint.Name} at {endpoint.BaseUrl} does not answer ({exception.Message}): is the server running?"),
        HttpRequestException or HttpIOException or IOException =>
            new(ModelErrorKind.ConnectionLost, $"the connection to {endpoint.Name} closed before {model} finished its answer ({exception.Message})"),
        JsonException or FormatException =>
            new(ModelErrorKind.MalformedResponse, $"{model} on {endpoint.Name} sent an answer that cannot be read: {exception.Message}"),
        _ => null,
    };

    private ModelCallException Redacted(ModelCallException exception)
    {
        var message = Redact(exception.Message);
        return ReferenceEquals(message, exception.Message) || message == exception.Message
            ? exception
            : new ModelCallException(exception.Kind, exception.Endpoint, exception.Model, message, exception.RetryAfter);
    }

    private string Redact(string text) =>
        string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "[redacted]", StringComparison.Ordinal);

    private static string Describe(TimeSpan span) =>
        span.TotalSeconds < 1 ? $"{span.TotalMilliseconds:0} ms" : span.TotalMinutes < 1 ? $"{span.TotalSeconds:0.#} s" : $"{span.TotalMinutes:0.#} min";
}
