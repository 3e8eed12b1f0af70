using Wilson.Agents.Commands;
using Wilson.Agents.Running;
using Wilson.Agents.Workspaces;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;

namespace Wilson.Orchestration.Workers;

/// <summary>One stage of one item to run: who runs it, what the previous stage handed over, and how.</summary>
/// <param name="Item">The item, as claimed.</param>
/// <param name="Pipeline">Its pipeline.</param>
/// <param name="Stage">The stage to run.</param>
/// <param name="Role">The agent role (the stage's, unless a person chose another).</param>
/// <param name="Worker">The worker's name, recorded on the execution.</param>
/// <param name="HandoffIn">JSON from the last stage that passed.</param>
/// <param name="Escalated">True after repeated failures: run on a stronger model.</param>
/// <param name="Steering">Pause and feedback from a person while it runs.</param>
public sealed record StageRun(WorkItem Item, Pipeline Pipeline, PipelineStage Stage, string Role, string Worker, string HandoffIn, bool Escalated, AgentSteering Steering);

/// <summary>How a stage run ended, the execution that recorded it, and the attempts its verify-and-fix loop took.</summary>
public sealed record StageRunResult(ExecutionResult Result, string Summary, Execution Execution, int Attempts = 1);

/// <summary>Who else sees a stage run as it happens (a terminal, the worker's status): the agent's events, commands' output, checkpoints.</summary>
public sealed record StageObserver
{
    public static readonly StageObserver None = new();

    public Action<AgentEvent>? OnAgent { get; init; }

    public Action<CommandEvent>? OnCommand { get; init; }

    public Action<Checkpoint>? OnCheckpoint { get; init; }
}

/// <summary>Runs one stage of one item: an agent in the item's worktree, recorded as an execution.</summary>
public interface IStageRunner
{
    Task<StageRunResult> RunAsync(StageRun run, StageObserver observer, CancellationToken cancellationToken);
}
