namespace Wilson.Agents.Running;

/// <summary>How much one run may use before it ends without a result.</summary>
public sealed record AgentBudget
{
    public int MaxSteps { get; init; } = 40;

    public long MaxTokens { get; init; } = 400_000;

    public TimeSpan MaxTime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Turns in a row without a tool call before the run ends as stuck.</summary>
    public int MaxTurnsWithoutTools { get; init; } = 3;

    /// <summary>The same call with the same arguments and the same result this many times: warned, then stuck.</summary>
    public int MaxRepeats { get; init; } = 3;

    /// <summary>Steps in a row that learn nothing new (every call, arguments and result seen before): warned, then stuck.</summary>
    public int MaxStepsWithoutProgress { get; init; } = 6;
}
