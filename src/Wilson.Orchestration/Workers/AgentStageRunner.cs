using System.Globalization;
using System.Text;
using Wilson.Agents;
using Wilson.Agents.Running;
using Wilson.Agents.Verification;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Roles;
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
/// <param name="store">Where executions, items and events go.</param>
/// <param name="workspace">The project's repository, settings and command runner.</param>
/// <param name="models">The models, routed by purpose.</param>
/// <param name="catalog">The configured models (whether a purpose's model calls tools natively).</param>
/// <param name="fixAttempts">Verify-and-fix attempts of a developer's stage.</param>
/// <param name="pipelines">The project's pipelines, which a plan's items may follow; null: only the project's default.</param>
public sealed class AgentStageRunner(
    IWorkStore store, ProjectWorkspace workspace, ModelServices models, ModelCatalog catalog, int fixAttempts = 3, PipelineCatalog? pipelines = null) : IStageRunner
{
    public async Task<StageRunResult> RunAsync(StageRun run, StageObserver observer, CancellationToken cancellationToken)
    {
        var item = run.Item;
        var worktree = await workspace.Worktrees.EnsureAsync(item.Key, item.Title, cancellationToken);
        var runner = workspace.RunnerFor(worktree);
        var purpose = PurposeOf(run.Role);
        var tier = run.Escalated ? ComplexityTier.Complex : item.Tier == ComplexityTier.Trivial ? ComplexityTier.Standard : item.Tier;
        var steps = VerificationSteps(run, workspace.Config.TestCommand.Trim());
        if (item.Tier == ComplexityTier.Trivial && run.Stage.Mechanical && item.Context.Model is null)
        {
            return await MechanicalAsync(run, new Verifier(worktree, runner, workspace.Git, workspace.Config.TestCommand, workspace.Limits), cancellationToken);
        }

        var plan = await PlanRulesAsync(item, cancellationToken);
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
            ToolsFor = (_, onCommand) => RoleToolbox.For(run.Role, workspace.Config.Roles.For(run.Role),
            [
                .. new AgentTools(worktree, workspace.ArtifactsOf(item.Key), runner, workspace.Git, workspace.Config.TestCommand, onCommand, workspace.Limits,
                    workspace.Config.DefaultBranch).All(),
                .. new RoleTools(store, item, run.Role, plan).All(),
            ]),
            Evidence = (evidence, ct) => EvidenceGate.MissingAsync(store, run, evidence, ChangedAsync, ct),
            NativeTools = SupportsTools(purpose),
            ConstrainedCalls = FirstModel(purpose)?.ConstrainedCalls ?? false,
            Budget = new AgentBudget
            {
                ContextTokens = models.ContextWindow(purpose),
                MaxOutputTokensPerTurn = catalog.Purposes.TryGetValue(purpose, out var candidates) && candidates.Count > 0
                    ? candidates.Min(c => catalog.Models[c].Config.MaxOutputTokens)
                    : new AgentBudget().MaxOutputTokensPerTurn,
            },
            Steering = run.Steering,
            Verifier = steps.Count > 0 ? new Verifier(worktree, runner, workspace.Git, workspace.Config.TestCommand, workspace.Limits) : null,
            VerificationSteps = steps,
            FixAttempts = fixAttempts,
            Observer = observer.OnAgent,
            CommandObserver = observer.OnCommand,
            OnCheckpoint = observer.OnCheckpoint,
        }, cancellationToken);
        // The worktree against the merge base with the default branch: committed checkpoints and uncommitted changes alike.
        async Task<bool> ChangedAsync(CancellationToken ct)
        {
            var git = workspace.Git;
            var worktreePath = workspace.Worktrees.PathOf(item.Key);
            var from = await git.RunAsync(worktreePath, ["merge-base", "HEAD", workspace.Config.DefaultBranch], ct);
            var status = await git.RunAsync(worktreePath, ["status", "--porcelain"], ct);
            var diff = await git.RunAsync(worktreePath, ["diff", "--quiet", from.StandardOutput.Trim(), "HEAD"], ct);
            return !from.Succeeded || diff.ExitCode != 0 || status.StandardOutput.Length > 0;
        }

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
        run.Item.Verification.Concat(CriteriaSteps.From(run.Item.AcceptanceCriteria)).Concat(VerificationSteps(run, "")).Distinct();

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
    private static List<VerificationStep> VerificationSteps(StageRun run, string testCommand)
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

        if (run.Role == RoleCatalog.Developer)
        {
            steps.AddRange(run.Item.Verification.Concat(CriteriaSteps.From(run.Item.AcceptanceCriteria)));
            if (testCommand.Length > 0 && !steps.Any(s => s.Kind is "tests_pass" or "tests_fail" || (s.Kind == "command_succeeds" && s.Argument?.Trim() == testCommand)))
            {
                // What the merge will run anyway: a developer's pass is checked against it now, not after approval.
                steps.Add(new VerificationStep("tests_pass"));
            }
        }

        return [.. steps.Distinct()];
    }

    // A plan's bounds from wilson.yaml; plans within it only while the nesting allows (a plan's depth is its plan ancestors).
    private async Task<PlanRules> PlanRulesAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var config = workspace.Config;
        if (item.Kind != WorkKind.Plan)
        {
            return new PlanRules { MaxItems = config.Planning.MaxItems };
        }

        var depth = 0;
        for (var parent = item.Parent; parent is not null && depth <= config.Planning.NestedPlans;)
        {
            var above = await store.GetItemAsync(item.ProjectId, parent, cancellationToken);
            depth += above?.Kind == WorkKind.Plan ? 1 : 0;
            parent = above?.Parent;
        }

        IEnumerable<string> names = pipelines is null ? [] : pipelines.All.Select(p => p.Name).Where(n => n != config.Pipeline).Order(StringComparer.Ordinal);
        return new PlanRules
        {
            DraftItems = config.Approvals.PlanReview,
            MaxItems = config.Planning.MaxItems,
            MayCreatePlans = depth < config.Planning.NestedPlans,
            Pipelines = [config.Pipeline, .. names],
        };
    }

    private bool SupportsTools(string purpose) => FirstModel(purpose)?.SupportsTools ?? true;

    private Core.Configuration.ModelConfig? FirstModel(string purpose) =>
        catalog.Purposes.TryGetValue(purpose, out var candidates) && candidates.Count > 0 ? catalog.Models[candidates[0]].Config : null;

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
