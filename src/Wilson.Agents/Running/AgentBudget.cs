namespace Wilson.Agents.Running;

/// <summary>How much one run may use before it ends without a result, and what a single turn may take.</summary>
public sealed record AgentBudget
{
    /// <summary>Turns of the model; in a recorded execution, the turns of the whole stage (its fix attempts included).</summary>
    public int MaxSteps { get; init; } = 40;

    /// <summary>Tokens in and out; in a recorded execution, of the whole stage.</summary>
    public long MaxTokens { get; init; } = 400_000;

    /// <summary>What one answer may take: asked of the server, and cut here when a server streams on past it.</summary>
    public int MaxOutputTokensPerTurn { get; init; } = 4_096;

    /// <summary>The model's context window in tokens; the conversation is kept inside it. Null when unknown.</summary>
    public int? ContextTokens { get; init; }

    /// <summary>Wall-clock time of the run, checked during a turn too: a turn still streaming when it runs out is stopped.</summary>
    public TimeSpan MaxTime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The longest one turn may take (a slow model at its output cap): it is stopped there and counts as cut.</summary>
    public TimeSpan MaxTurnTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Turns in a row without a tool call before the run ends as stuck.</summary>
    public int MaxTurnsWithoutTools { get; init; } = 3;

    /// <summary>The same call with the same arguments and the same result this many times: warned, then stuck.</summary>
    public int MaxRepeats { get; init; } = 3;

    /// <summary>Steps in a row that learn nothing new (every call, arguments and result seen before): warned, then stuck.</summary>
    public int MaxStepsWithoutProgress { get; init; } = 6;
}
