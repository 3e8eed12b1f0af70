using System.Text.Json;
using Wilson.Agents.Verification;
using Wilson.Agents.Workspaces;
using Wilson.Core.Executions;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Agents.Running;

/// <summary>How an agent execution ended: the closed execution, the agent's last run, and the verification, if any.</summary>
public sealed record AgentExecutionResult(Execution Execution, AgentResult Run, VerificationReport? Report, int Attempts);

/// <summary>
/// One agent on one item at one stage, recorded: the execution is opened in the store, every step goes
/// into its transcript and becomes a checkpoint commit if it changed files, the live stream goes out as
/// events, a verifier (when given) runs the build, verify, fix loop, and the execution is closed with
/// its result, handoff and report. A run cut short by cancellation or an error is still closed
/// (Cancelled or Fail) before the exception goes on.
/// </summary>
public sealed class AgentExecution(IWorkStore store, ItemWorktrees worktrees, TimeProvider time)
{
    public async Task<AgentExecutionResult> RunAsync(AgentExecutionRequest request, CancellationToken cancellationToken)
    {
        var item = request.Item;
        var actor = Actor.Agent(request.Role);
        var execution = await store.StartExecutionAsync(
            new NewExecution(item.ProjectId, item.Key, request.Stage, request.Role, request.Worker, request.HandoffIn), actor, cancellationToken);
        var recorder = new ExecutionRecorder(store, execution, time);

        // The stream is flushed before the close, so execution.finished is the execution's last event.
        async Task<Execution> CloseAsync(ExecutionEnd ending)
        {
            await recorder.DisposeAsync();
            return await store.FinishExecutionAsync(execution.Id, ending, actor, CancellationToken.None);
        }

        void OnEvent(AgentEvent e)
        {
            recorder.Post(e);
            request.Observer?.Invoke(e);
        }

        var client = request.ClientFor(execution);
        var tools = request.ToolsFor(execution, e =>
        {
            recorder.Post(e);
            request.CommandObserver?.Invoke(e);
        });

        // Steps are numbered through the whole execution: a fix attempt goes on where the last one stopped.
        var stepsTaken = 0;
        var calls = new List<AgentToolCall>();
        var checkpoints = 0;
        long tokensUsed = 0;

        // The budget's turns and tokens are the stage's: a fix attempt gets what the attempts before it left.
        async Task<AgentResult> RunAgentAsync(string briefing, CancellationToken ct)
        {
            var budget = request.Budget;
            if (stepsTaken >= budget.MaxSteps || tokensUsed >= budget.MaxTokens)
            {
                var spent = stepsTaken >= budget.MaxSteps ? $"the stage's {budget.MaxSteps} turns" : $"the stage's {budget.MaxTokens:N0} tokens";
                OnEvent(new AgentEvent(AgentEventKind.Notice, $"BudgetExceeded: {spent} are used"));
                return new AgentResult(AgentOutcome.BudgetExceeded, $"out of budget: {spent} are used without a pass", null, 0, 0);
            }

            var run = await new AgentLoop(client, tools, budget with { MaxSteps = budget.MaxSteps - stepsTaken, MaxTokens = budget.MaxTokens - tokensUsed },
                OnEvent, time, request.NativeTools, request.Steering, async (loopStep, stepToken) =>
            {
                var step = loopStep with { Number = ++stepsTaken };
                await recorder.RecordStepAsync(step, stepToken);
                calls.AddRange(step.Calls);
                var called = step.Calls.Count == 0 ? "no tools" : string.Join(", ", step.Calls.Select(c => c.Name));
                if (await worktrees.CheckpointAsync(item.Key, request.Stage, step.Number, called, stepToken) is { } checkpoint)
                {
                    checkpoints++;
                    request.OnCheckpoint?.Invoke(checkpoint);
                }
            }, request.ConstrainedCalls).RunAsync(request.SystemPrompt, briefing, ct);
            tokensUsed += run.Tokens;
            return run;
        }

        SelfFixResult fix;
        string? missing = null;
        try
        {
            fix = request.Verifier is null
                ? new SelfFixResult(await RunAgentAsync(request.Briefing, cancellationToken), null, 1)
                : await new SelfFixingRun(RunAgentAsync, request.Verifier, request.VerificationSteps, request.FixAttempts, OnEvent)
                    .RunAsync(request.Briefing, cancellationToken);
            if (fix.LastRun.Outcome == AgentOutcome.Pass && fix.Report is not { Passed: false } && request.Evidence is { } evidence
                && await evidence(new StageEvidence(calls, checkpoints, fix.Report), cancellationToken) is { } lacking)
            {
                missing = lacking;
                OnEvent(new AgentEvent(AgentEventKind.Notice, $"the pass does not count: {lacking}"));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CloseAsync(new ExecutionEnd(ExecutionResult.Cancelled, "cancelled"));
            throw;
        }
        catch (Exception ex)
        {
            await CloseAsync(new ExecutionEnd(ExecutionResult.Fail, $"error: {ex.Message}"));
            throw;
        }

        return new AgentExecutionResult(await CloseAsync(Ending(fix, missing)), fix.LastRun, fix.Report, fix.Attempts);
    }

    private static ExecutionEnd Ending(SelfFixResult fix, string? missing)
    {
        var run = fix.LastRun;
        var (result, summary) = run.Outcome switch
        {
            AgentOutcome.Pass when fix.Report is { Passed: false } report =>
                (ExecutionResult.Fail, $"verification failed after {fix.Attempts} attempt(s):\n{report.Summary()}"),
            AgentOutcome.Pass when missing is not null =>
                (ExecutionResult.Fail, $"claimed a pass without the evidence: {missing}. It said: {Quoted(run.Summary)}"),
            AgentOutcome.Pass => (ExecutionResult.Pass, run.Summary),
            AgentOutcome.Blocked => (ExecutionResult.Blocked, run.Summary),
            _ => (ExecutionResult.Fail, run.Summary),
        };
        return new ExecutionEnd(result, summary)
        {
            HandoffOut = HandoffJson(run),
            VerificationReport = fix.Report?.ToJson(),
            Model = run.Model,
            Fallback = run.Fallback,
        };
    }

    private static string Quoted(string summary) => summary.Length == 0 ? "nothing" : $"\"{(summary.Length <= 500 ? summary : summary[..500] + "...")}\"";

    // The next stage reads a JSON object: the agent's handoff as it gave it when that is an object, else as text.
    private static string HandoffJson(AgentResult run)
    {
        if (run.Handoff is { } handoff && handoff.TrimStart().StartsWith('{'))
        {
            try
            {
                using var parsed = JsonDocument.Parse(handoff);
                return parsed.RootElement.GetRawText();
            }
            catch (JsonException)
            {
                // Not JSON after all: kept as text below.
            }
        }

        return JsonSerializer.Serialize(new { summary = run.Summary, handoff = run.Handoff ?? "" });
    }
}
