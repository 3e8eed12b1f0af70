namespace Wilson.Llm.Routing;

/// <summary>How hard a call tries one model before moving to the next.</summary>
public sealed record FallbackOptions
{
    /// <summary>Retries of a transient failure (429, 5xx, timeout, a cut stream) on the same model.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>The first retry's wait; it doubles each time, unless the server said how long (Retry-After).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait Wilson accepts, Retry-After included; longer, and it moves to the next model.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Failures (at least half of the calls, and at least this many) within <see cref="SamplingDuration"/> that open an endpoint's circuit.</summary>
    public int BreakAfter { get; init; } = 4;

    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an endpoint rests once its circuit opens.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);
}
