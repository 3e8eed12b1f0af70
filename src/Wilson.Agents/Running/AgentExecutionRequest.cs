using Microsoft.Extensions.AI;
using Wilson.Agents.Commands;
using Wilson.Agents.Verification;
using Wilson.Agents.Workspaces;
using Wilson.Core.Executions;
using Wilson.Core.Items;

namespace Wilson.Agents.Running;

/// <summary>What one agent run on one item at one stage needs.</summary>
public sealed record AgentExecutionRequest
{
    public required WorkItem Item { get; init; }

    public required string Stage { get; init; }

    public required string Role { get; init; }

    /// <summary>Who runs it: the worker's name, recorded on the execution.</summary>
    public required string Worker { get; init; }

    /// <summary>JSON from the previous stage.</summary>
    public string HandoffIn { get; init; } = "{}";

    public required string SystemPrompt { get; init; }

    public required string Briefing { get; init; }

    /// <summary>The model for this execution (its id goes on every call in the usage ledger).</summary>
    public required Func<Execution, IChatClient> ClientFor { get; init; }

    /// <summary>The role's tools for this execution, sending running commands' output where it is given.</summary>
    public required Func<Execution, Action<CommandEvent>, IReadOnlyList<AgentTool>> ToolsFor { get; init; }

    public bool NativeTools { get; init; } = true;

    /// <summary>With <see cref="NativeTools"/> false: every answer is one JSON call the server's structured output enforces.</summary>
    public bool ConstrainedCalls { get; init; }

    /// <summary>Turns and tokens of the whole stage (fix attempts included), time of each run, and what one turn may take.</summary>
    public AgentBudget Budget { get; init; } = new();

    public AgentSteering? Steering { get; init; }

    /// <summary>Runs the item's steps after the agent says pass (the developer's build, verify, fix loop); null for no verification.</summary>
    public Verifier? Verifier { get; init; }

    public IReadOnlyList<VerificationStep> VerificationSteps { get; init; } = [];

    public int FixAttempts { get; init; } = 3;

    /// <summary>Also sees the live stream (a terminal printing it, say).</summary>
    public Action<AgentEvent>? Observer { get; init; }

    /// <summary>Also sees running commands' output and warnings.</summary>
    public Action<CommandEvent>? CommandObserver { get; init; }

    public Action<Checkpoint>? OnCheckpoint { get; init; }

    /// <summary>
    /// Checks a pass against what the run did; returns what is missing (the pass then counts as a fail
    /// saying so), or null when the evidence is there. Null: every pass counts.
    /// </summary>
    public Func<StageEvidence, CancellationToken, Task<string?>>? Evidence { get; init; }
}
