namespace Wilson.Orchestration.Pipelines;

/// <summary>
/// What happens as an item keeps failing: it goes back with the failure as feedback after a growing wait;
/// after <see cref="RetriesBeforeEscalation"/> failures in a row the next attempts run on a stronger model;
/// when <see cref="EscalatedRetries"/> of those fail too it waits for a person (3 + 2: five runs in all).
/// </summary>
public sealed record RetryPolicy
{
    public int RetriesBeforeEscalation { get; init; } = 3;

    public int EscalatedRetries { get; init; } = 2;

    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The wait before the attempt after the <paramref name="failures"/>th failure in a row: doubling from the first, capped.</summary>
    public TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks * (1L << Math.Clamp(failures - 1, 0, 30))));
}
