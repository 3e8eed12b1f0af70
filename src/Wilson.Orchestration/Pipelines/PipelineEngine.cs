using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Workflow;

namespace Wilson.Orchestration.Pipelines;

/// <summary>
/// Applies a stage's result to its item, as the pipeline says: pass goes to the next stage (or to
/// approval when the stage is a gate or the next one is the end); fail goes back to the stage the
/// pipeline names with the failure as feedback, after a growing wait, on a stronger model once retries
/// are used up, and to a person after that; blocked goes to a person with the agent's question.
/// Pure: the worker makes the transition it returns.
/// </summary>
public static class PipelineEngine
{
    /// <param name="pipeline">The item's pipeline.</param>
    /// <param name="stageName">The stage that ran.</param>
    /// <param name="result">How the stage ended (Cancelled is not decided here: whoever cancelled moved the item).</param>
    /// <param name="summary">The agent's summary, or why verification or a check failed.</param>
    /// <param name="failuresInARow">Failed executions of the item in a row, this one included.</param>
    /// <param name="policy">Retries, waits and escalation.</param>
    public static StageDecision Decide(Pipeline pipeline, string stageName, ExecutionResult result, string summary, int failuresInARow, RetryPolicy policy)
    {
        var stage = pipeline.FindStage(stageName) ?? throw new ArgumentException($"pipeline '{pipeline.Name}' has no stage '{stageName}'", nameof(stageName));
        if (result != ExecutionResult.Pass && string.IsNullOrWhiteSpace(summary))
        {
            // An agent may fail or block with an empty summary; the reason a person reads must still say where to look.
            summary = $"the {stage.Role ?? "agent"} gave no reason; its run is in `wilson item show`";
        }

        return result switch
        {
            ExecutionResult.Pass => Passed(pipeline, stage, summary),
            ExecutionResult.Fail => Failed(pipeline, stage, summary, failuresInARow, policy),
            ExecutionResult.Blocked => new StageDecision(StageDecisionKind.Block, TransitionTarget.ToStatus(WorkStatus.Blocked), $"{stage.Name} needs a person: {summary}"),
            _ => throw new ArgumentException($"a {result} stage is not decided by the engine", nameof(result)),
        };
    }

    private static StageDecision Passed(Pipeline pipeline, PipelineStage stage, string summary)
    {
        var next = pipeline.NextStage(stage.Name)!;
        if (stage.Gate == StageGate.Approval || next == pipeline.FinalStage)
        {
            return new StageDecision(StageDecisionKind.AwaitApproval, TransitionTarget.ToStatus(WorkStatus.AwaitingApproval), $"{stage.Name} passed: {summary}");
        }

        // A gate without a role takes the item as AwaitingApproval (its entry status).
        var kind = pipeline.EntryStatus(next) == WorkStatus.AwaitingApproval ? StageDecisionKind.AwaitApproval : StageDecisionKind.Advance;
        return new StageDecision(kind, TransitionTarget.ToStage(next.Name), $"{stage.Name} passed: {summary}");
    }

    private static StageDecision Failed(Pipeline pipeline, PipelineStage stage, string summary, int failures, RetryPolicy policy)
    {
        var limit = stage.MaxFailures ?? policy.RetriesBeforeEscalation + policy.EscalatedRetries;
        if (failures >= limit)
        {
            var escalated = limit > policy.RetriesBeforeEscalation ? ", a stronger model included" : "";
            return new StageDecision(StageDecisionKind.Block, TransitionTarget.ToStatus(WorkStatus.Blocked),
                $"{stage.Name} failed {failures} times in a row{escalated}; a person must look: {summary}");
        }

        var back = pipeline.FindStage(stage.OnFail ?? stage.Name)?.Name ?? stage.Name;
        var escalate = failures >= policy.RetriesBeforeEscalation;
        return new StageDecision(StageDecisionKind.Retry, TransitionTarget.ToStage(back),
            $"{stage.Name} failed ({failures} of {limit}){(escalate ? ", next on a stronger model" : "")}: {summary}")
        {
            Feedback = $"The {stage.Name} stage failed: {summary}",
            Backoff = policy.Backoff(failures),
            Escalate = escalate,
        };
    }
}
