using System.Collections.Concurrent;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Wilson.Llm.Routing;

/// <summary>
/// One Polly pipeline per endpoint: retries with exponential backoff that honour Retry-After, inside a
/// circuit breaker whose state the router sees (an open circuit takes the endpoint out of routing).
/// </summary>
public sealed class EndpointResilience(FallbackOptions options, TimeProvider time, IModelEventSink events)
{
    private readonly ConcurrentDictionary<string, (ResiliencePipeline Pipeline, CircuitBreakerStateProvider State)> _endpoints = new(StringComparer.Ordinal);

    /// <summary>True while <paramref name="endpoint"/>'s circuit is open (resting after failures).</summary>
    public bool IsOpen(string endpoint) =>
        _endpoints.TryGetValue(endpoint, out var entry) && entry.State.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>Runs <paramref name="call"/> against <paramref name="endpoint"/> under its retries and breaker.</summary>
    public ValueTask<T> ExecuteAsync<T>(string endpoint, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
        _endpoints.GetOrAdd(endpoint, Build).Pipeline.ExecuteAsync(call, cancellationToken);

    private (ResiliencePipeline, CircuitBreakerStateProvider) Build(string endpoint)
    {
        var state = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<ModelCallException>(e =>
                    e.IsTransient && e.Kind != ModelErrorKind.Unreachable && (e.RetryAfter is null || e.RetryAfter <= options.MaxDelay)),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                UseJitter = false,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is ModelCallException { RetryAfter: { } wait } ? wait : (TimeSpan?)null),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<ModelCallException>(e => e.IsTransient),
                FailureRatio = 0.5,
                MinimumThroughput = options.BreakAfter,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = state,
                OnOpened = _ =>
                {
                    events.Publish(new ModelEvent(ModelEvent.EndpointDown, $"{endpoint} rests for {options.BreakDuration.TotalSeconds:0} s after repeated failures", endpoint));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        return (pipeline, state);
    }
}
