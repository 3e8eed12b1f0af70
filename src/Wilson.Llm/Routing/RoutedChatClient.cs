using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Wilson.Core.Items;
using Wilson.Llm.Lifecycle;

namespace Wilson.Llm.Routing;

/// <summary>
/// The client a role talks to: each call is routed to the best model for its purpose and tier, holds a
/// lifecycle lease while it runs, retries transient failures on that model (Retry-After honoured), and
/// falls back to the next model when one is down or keeps failing. The first update of every answer
/// says which model answered and whether it was a fallback (<see cref="ModelKey"/>, <see cref="FallbackKey"/>).
/// </summary>
public sealed class RoutedChatClient(
    string purpose,
    ComplexityTier tier,
    ModelRouter router,
    ModelFactsSource facts,
    ModelLifecycle lifecycle,
    ChatClientCache clients,
    EndpointResilience resilience,
    IModelEventSink events,
    string? pinned = null) : IChatClient
{
    public const string ModelKey = "wilson.model";
    public const string EndpointKey = "wilson.endpoint";
    public const string FallbackKey = "wilson.fallback";
    public const string RouteKey = "wilson.route";
    public const string RoutedEvent = "model.routed";
    public const string FallbackEvent = "model.fallback";

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        RoutedResponse.CollectAsync(GetStreamingResponseAsync(messages, options, cancellationToken));

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var tried = new HashSet<string>(StringComparer.Ordinal);
        ModelCallException? firstFailure = null;
        while (true)
        {
            var decision = router.Choose(new RouteRequest(purpose, tier, tried, pinned), facts.Snapshot());
            if (decision.Mechanical)
            {
                throw new InvalidOperationException($"{decision.Reason}: the caller runs it without a model");
            }

            if (decision.Model is not { } model)
            {
                throw NoModel(decision, firstFailure);
            }

            events.Publish(new ModelEvent(RoutedEvent, decision.Reason, model.Endpoint.Name, model.Name));
            var opened = await OpenAsync(model, conversation, options, cancellationToken);
            if (opened.Failure is { } failure)
            {
                tried.Add(model.Name);
                firstFailure ??= failure;
                events.Publish(new ModelEvent(FallbackEvent, $"{model.Name} on {model.Endpoint.Name} failed ({failure.Kind}): {failure.Message}; trying the next model",
                    model.Endpoint.Name, model.Name));
                continue;
            }

            await using var lease = opened.Lease!;
            var stream = opened.Stream!;
            try
            {
                var first = opened.First!;
                first.AdditionalProperties ??= [];
                first.AdditionalProperties[ModelKey] = model.Name;
                first.AdditionalProperties[EndpointKey] = model.Endpoint.Name;
                first.AdditionalProperties[FallbackKey] = tried.Count > 0;
                first.AdditionalProperties[RouteKey] = decision.Reason;
                yield return first;
                while (await stream.MoveNextAsync())
                {
                    yield return stream.Current;
                }
            }
            finally
            {
                await stream.DisposeAsync();
            }

            yield break;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc />
    public void Dispose()
    {
        // The clients belong to the cache.
    }

    // Takes a lease and reads the first update under the endpoint's retries and breaker: until the first
    // chunk nothing has reached the caller, so trying again (or another model) is safe.
    private async Task<Opened> OpenAsync(ModelSpec model, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ModelLease? lease = null;
        try
        {
            lease = await lifecycle.AcquireAsync(model.Name, purpose, cancellationToken);
            var client = clients.For(model);
            var (stream, first) = await resilience.ExecuteAsync(model.Endpoint.Name, async token =>
            {
                var enumerator = client.GetStreamingResponseAsync(messages, options, token).GetAsyncEnumerator(token);
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        throw new ModelCallException(ModelErrorKind.MalformedResponse, model.Endpoint.Name, model.Name, $"{model.Name} on {model.Endpoint.Name} answered with nothing");
                    }

                    return (enumerator, enumerator.Current);
                }
                catch
                {
                    await enumerator.DisposeAsync();
                    throw;
                }
            }, cancellationToken);
            return new Opened(lease, stream, first, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is ModelCallException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }

            var failure = ex as ModelCallException ?? new ModelCallException(ModelErrorKind.Unreachable, model.Endpoint.Name, model.Name,
                $"{model.Endpoint.Name} is resting after repeated failures");
            return new Opened(null, null, null, failure);
        }
        catch
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }

            throw;
        }
    }

    private static ModelCallException NoModel(RouteDecision decision, ModelCallException? firstFailure) =>
        new(firstFailure?.Kind ?? ModelErrorKind.Unreachable, firstFailure?.Endpoint ?? "", firstFailure?.Model,
            firstFailure is null ? decision.Reason : $"{decision.Reason}; the first failure: {firstFailure.Message}", firstFailure?.RetryAfter);

    private sealed record Opened(ModelLease? Lease, IAsyncEnumerator<ChatResponseUpdate>? Stream, ChatResponseUpdate? First, ModelCallException? Failure);
}
