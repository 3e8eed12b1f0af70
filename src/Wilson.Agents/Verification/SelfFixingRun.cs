using Wilson.Agents.Running;
using Wilson.Core.Items;

namespace Wilson.Agents.Verification;

/// <summary>What the developer stage came to: the last run, the last verification, and how many attempts it took.</summary>
public sealed record SelfFixResult(AgentResult LastRun, VerificationReport? Report, int Attempts)
{
    /// <summary>True when the agent passed and every verification step held.</summary>
    public bool Passed => LastRun.Outcome == AgentOutcome.Pass && Report is { Passed: true };
}

/// <summary>
/// The developer's build → verify → fix loop: when the agent says it passed, the item's steps are run
/// mechanically; a failed report goes back to the agent as feedback for another attempt, up to
/// <paramref name="maxAttempts"/>, each one visible as an event; after that the report is the result.
/// </summary>
public sealed class SelfFixingRun(
    Func<string, CancellationToken, Task<AgentResult>> runAgent,
    Verifier verifier,
    IReadOnlyList<VerificationStep> steps,
    int maxAttempts,
    Action<AgentEvent> onEvent)
{
    public async Task<SelfFixResult> RunAsync(string briefing, CancellationToken cancellationToken)
    {
        var feedback = "";
        for (var attempt = 1; ; attempt++)
        {
            onEvent(new AgentEvent(AgentEventKind.Notice, $"attempt {attempt} of {maxAttempts}"));
            var run = await runAgent(briefing + feedback, cancellationToken);
            if (run.Outcome != AgentOutcome.Pass)
            {
                // Fail, blocked or out of budget: nothing to verify; the stage decides what follows.
                return new SelfFixResult(run, null, attempt);
            }

            var report = await verifier.RunAsync(steps, cancellationToken);
            if (report.Passed)
            {
                onEvent(new AgentEvent(AgentEventKind.Notice, $"verification passed on attempt {attempt}:\n{report.Summary()}"));
                return new SelfFixResult(run, report, attempt);
            }

            onEvent(new AgentEvent(AgentEventKind.Notice, $"verification failed on attempt {attempt}:\n{report.Summary()}"));
            if (attempt >= maxAttempts)
            {
                return new SelfFixResult(run, report, attempt);
            }

            feedback = $"\n\nYou said the work passes, but verification failed (attempt {attempt} of {maxAttempts}):\n{report.Summary()}\nFix exactly this.";
        }
    }
}
