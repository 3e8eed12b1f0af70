using System.Globalization;
using System.Text;
using Wilson.Agents;
using Wilson.Agents.Running;
using Wilson.Agents.Verification;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Llm;
using Wilson.Llm.Usage;

namespace Wilson.Orchestration.Workers;

/// <summary>
/// Runs a stage with an agent: in the item's worktree, with the role's prompt and tools, on the model
/// its purpose routes to (a stronger one when escalated), briefed with the item, the previous stage's
/// handoff and the feedback left for it. A developer's pass is verified (its item's steps), and a stage
/// that expects the tests to fail or pass (test-first work) is checked the same way; a failed check goes
/// back to the agent, up to the fix attempts, before the stage fails.
/// </summary>
public sealed class AgentStageRunner(IWorkStore store, ProjectWorkspace workspace, ModelServices models, ModelCatalog catalog, int fixAttempts = 3) : IStageRunner
{
    public async Task<StageRunResult> RunAsync(StageRun run, StageObserver observer, CancellationToken cancellationToken)
    {
        var item = run.Item;
        var worktree = await workspace.Worktrees.EnsureAsync(item.Key, item.Title, cancellationToken);
        var runner = workspace.RunnerFor(worktree);
        var purpose = PurposeOf(run.Role);
        var tier = run.Escalated ? ComplexityTier.Complex : item.Tier == ComplexityTier.Trivial ? ComplexityTier.Standard : item.Tier;
        var steps = VerificationSteps(run);
        if (item.Tier == ComplexityTier.Trivial && run.Stage.Mechanical && item.Context.Model is null)
        {
            return await MechanicalAsync(run, new Verifier(worktree, runner, workspace.Git, workspace.Config.TestCommand, workspace.Limits), cancellationToken);
        }

        var feedback = await store.TakeFeedbackAsync(item.ProjectId, item.Key, cancellationToken);
        var result = await new AgentExecution(store, workspace.Worktrees, workspace.Time).RunAsync(new AgentExecutionRequest
        {
            Item = item,
            Stage = run.Stage.Name,
            Role = run.Role,
            Worker = run.Worker,
            HandoffIn = run.HandoffIn,
            SystemPrompt = RolePrompts.For(run.Role, workspace.PromptsDirectory),
            Briefing = Briefing(run, feedback),
            ClientFor = execution => models.ClientFor(new CallContext(purpose, item.ProjectId, item.Key, execution.Id), tier, item.Context.Model),
            ToolsFor = (_, onCommand) =>
            [
                .. new AgentTools(worktree, workspace.ArtifactsOf(item.Key), runner, workspace.Git, workspace.Config.TestCommand, onCommand, workspace.Limits).All(),
                .. new RoleTools(store, item, run.Role, draftItems: item.Kind == WorkKind.Plan && workspace.Config.Approvals.PlanReview).All(),
            ],
            NativeTools = SupportsTools(purpose),
            Steering = run.Steering,
            Verifier = steps.Count > 0 ? new Verifier(worktree, runner, workspace.Git, workspace.Config.TestCommand, workspace.Limits) : null,
            VerificationSteps = steps,
            FixAttempts = fixAttempts,
            Observer = observer.OnAgent,
            CommandObserver = observer.OnCommand,
            OnCheckpoint = observer.OnCheckpoint,
        }, cancellationToken);
        return new StageRunResult(result.Execution.Result!.Value, result.Execution.Summary, result.Execution, result.Attempts);
    }

    // A trivial item at a stage that allows it: its checks run, and they are the result; no agent, no model.
    private async Task<StageRunResult> MechanicalAsync(StageRun run, Verifier verifier, CancellationToken cancellationToken)
    {
        var item = run.Item;
        var actor = Actor.Agent(run.Role);
        var execution = await store.StartExecutionAsync(new NewExecution(item.ProjectId, item.Key, run.Stage.Name, run.Role, run.Worker, run.HandoffIn), actor, cancellationToken);
        List<VerificationStep> steps = [.. MechanicalSteps(run)];
        var report = steps.Count == 0 ? null : await verifier.RunAsync(steps, cancellationToken);
        var result = report is null || report.Passed ? ExecutionResult.Pass : ExecutionResult.Fail;
        var summary = report is null
            ? "trivial work: passed mechanically, nothing to check at this stage"
            : $"trivial work, checked mechanically:\n{report.Summary()}";
        var closed = await store.FinishExecutionAsync(execution.Id, new ExecutionEnd(result, summary)
        {
            HandoffOut = run.HandoffIn,
            VerificationReport = report?.ToJson(),
        }, actor, CancellationToken.None);
        return new StageRunResult(result, summary, closed);
    }

    private static IEnumerable<VerificationStep> MechanicalSteps(StageRun run) =>
        run.Item.Verification.Concat(CriteriaSteps.From(run.Item.AcceptanceCriteria)).Concat(VerificationSteps(run)).Distinct();

    /// <summary>The purpose (in the models section) a role's calls are routed by.</summary>
    public static string PurposeOf(string role) => role switch
    {
        "planner" => "plan",
        "developer" => "code",
        "tester" => "test",
        "reviewer" => "review",
        _ => role,
    };

    // What is checked mechanically after the agent says pass: the stage's expectation of the tests
    // (red, green), and for a developer the item's own steps and the criteria that name a command or file.
    private static List<VerificationStep> VerificationSteps(StageRun run)
    {
        var steps = new List<VerificationStep>();
        if (run.Stage.Expect == StageExpectation.TestsFail)
        {
            steps.Add(new VerificationStep("tests_fail"));
        }
        else if (run.Stage.Expect == StageExpectation.TestsPass)
        {
            steps.Add(new VerificationStep("tests_pass"));
        }

        if (run.Role == "developer")
        {
            steps.AddRange(run.Item.Verification.Concat(CriteriaSteps.From(run.Item.AcceptanceCriteria)));
        }

        return [.. steps.Distinct()];
    }

    private bool SupportsTools(string purpose) =>
        !catalog.Purposes.TryGetValue(purpose, out var candidates) || candidates.Count == 0 || catalog.Models[candidates[0]].Config.SupportsTools;

    /// <summary>What the agent is told about its work: the item, the previous stage's handoff, and the feedback left for it.</summary>
    private static string Briefing(StageRun run, IReadOnlyList<Feedback> feedback)
    {
        var item = run.Item;
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Briefing: {item.Key} {item.Title}\n")
            .Append(CultureInfo.InvariantCulture, $"Stage: {run.Stage.Name} of the {run.Pipeline.Name} pipeline; you are the {run.Role}.\n");

        if (item.Description.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{item.Description}\n");
        }

        text.Append("\nAcceptance criteria:\n");
        foreach (var criterion in item.AcceptanceCriteria)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {criterion}\n");
        }

        foreach (var done in item.DefinitionOfDone)
        {
            text.Append(CultureInfo.InvariantCulture, $"- (done when) {done}\n");
        }

        if (run.HandoffIn is { Length: > 2 } handoff)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nHandoff from the previous stage: {handoff}\n");
        }

        if (feedback.Count > 0)
        {
            text.Append("\nFeedback on this item (act on it):\n");
            foreach (var note in feedback)
            {
                text.Append(CultureInfo.InvariantCulture, $"- from {note.From}: {note.Text}\n");
            }
        }

        return text.ToString();
    }
}
