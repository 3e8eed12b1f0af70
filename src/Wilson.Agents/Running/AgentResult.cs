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
public sealed record AgentResult(AgentOutcome Outcome, string Summary, string? Handoff, int Steps, long Tokens);

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
}
