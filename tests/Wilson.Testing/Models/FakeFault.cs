namespace Wilson.Testing.Models;

/// <summary>
/// A fault queued with <see cref="FakeModelServer.InjectFault"/>: it applies to the next
/// <see cref="Times"/> matching requests, in the order faults were queued. Unless <see cref="Path"/>
/// says otherwise, only requests for an answer match (<c>/api/chat</c>, <c>/api/generate</c>,
/// <c>/v1/chat/completions</c>, <c>/v1/messages</c>), so listing models does not use up a fault.
/// </summary>
/// <param name="Kind">What goes wrong.</param>
public sealed record FakeFault(FakeFaultKind Kind)
{
    /// <summary>The model whose requests the fault applies to; null applies to any request.</summary>
    public string? Model { get; init; }

    /// <summary>How many matching requests the fault affects (at least 1).</summary>
    public int Times { get; init; } = 1;

    /// <summary>The wait announced in <c>Retry-After</c> for <see cref="FakeFaultKind.TooManyRequests"/>.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>For <see cref="FakeFaultKind.SlowStream"/>: the wait before each chunk, on the server's <see cref="TimeProvider"/>.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>
    /// When set, the fault applies to requests for this path only (<c>/api/tags</c>, <c>/v1/models</c>),
    /// whatever endpoint it is; null means the answering endpoints.
    /// </summary>
    public string? Path { get; init; }
}
