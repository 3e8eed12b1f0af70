namespace Wilson.Agents.Running;

/// <summary>How a run ended.</summary>
public enum AgentOutcome
{
    /// <summary>The agent finished: the work passes.</summary>
    Pass,

    /// <summary>The agent finished: the work fails (e.g. the tester found a bug).</summary>
    Fail,

    /// <summary>The agent cannot go on without a person (a question), or it was stuck.</summary>
    Blocked,

    /// <summary>A budget (steps, tokens, time) ran out before the agent finished.</summary>
    BudgetExceeded,
}

/// <summary>What a run produced: its outcome, the agent's summary and handoff for the next stage, and what it used.</summary>
public sealed record AgentResult(AgentOutcome Outcome, string Summary, string? Handoff, int Steps, long Tokens)
{
    /// <summary>The model that answered last, when the client said (the routed client does).</summary>
    public string? Model { get; init; }

    /// <summary>True when that model was a fallback for the routed one.</summary>
    public bool Fallback { get; init; }
}

/// <summary>One step of a run: what the model said and the calls it made, each with its result.</summary>
public sealed record AgentStep(int Number, string ModelOutput, IReadOnlyList<AgentToolCall> Calls);

/// <summary>A tool call as made: the tool, its arguments as JSON, and what it returned.</summary>
public sealed record AgentToolCall(string Name, string ArgumentsJson, string Result);

/// <summary>What a running agent did, for the transcript and the live board.</summary>
public sealed record AgentEvent(AgentEventKind Kind, string Text);

public enum AgentEventKind
{
    /// <summary>Text the model streamed (coalesced).</summary>
    Text,

    ToolCall,

    ToolResult,

    /// <summary>Something the loop told the agent (a repeat, a nudge) or decided.</summary>
    Notice,

    /// <summary>The model answering (when the client says which): its name, once, and again if it changes.</summary>
    Model,
}
