using System.Globalization;
using Wilson.Agents.Running;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Roles;
using Wilson.Core.Storage;

namespace Wilson.Orchestration.Workers;

/// <summary>
/// What a stage's pass must show before it counts (an agent's word is not enough): a plan made items; the
/// item's work changed something by the end of a developer's stage (in this run or one before it: a run
/// resumed after a crash finds its checkpoints; verification then ran on it); a tester ran the tests, saw them fail where the
/// stage wants them failing first, and saw them pass where it claims they do; a reviewer, security or docs agent
/// looked at the change. A refinement of an item's own criteria needs nothing more than the item.
/// </summary>
internal static class EvidenceGate
{
    /// <summary>What is missing from <paramref name="evidence"/> for <paramref name="run"/>'s pass; null when nothing.</summary>
    /// <param name="store">Where the plan's items are.</param>
    /// <param name="run">The stage that passed.</param>
    /// <param name="evidence">What the run did.</param>
    /// <param name="changed">Whether the item's worktree differs from where its branch began (its checkpoints and what is not committed).</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    public static async Task<string?> MissingAsync(
        IWorkStore store, StageRun run, StageEvidence evidence, Func<CancellationToken, Task<bool>> changed, CancellationToken cancellationToken) => run.Role switch
    {
        RoleCatalog.Planner when run.Item.Kind == WorkKind.Plan => await PlanAsync(store, run.Item, cancellationToken),
        RoleCatalog.Developer when !await changed(cancellationToken) =>
            $"nothing in the worktree differs from where {run.Item.Key} began: make the change it asks for ({ToolNames.WriteFile} or {ToolNames.EditFile}), then finish",
        RoleCatalog.Tester => Tests(run.Stage, evidence),
        RoleCatalog.Reviewer or RoleCatalog.Security or RoleCatalog.Docs when !evidence.Succeeded(ToolNames.GitDiff).Any() =>
            $"the {run.Role} never looked at the change: read it with {ToolNames.GitDiff} before judging it",
        _ => null,
    };

    private static async Task<string?> PlanAsync(IWorkStore store, WorkItem plan, CancellationToken cancellationToken)
    {
        var children = await store.ListItemsAsync(plan.ProjectId, new ItemQuery { Parent = plan.Key, Limit = 1 }, cancellationToken);
        return children.Items.Count > 0
            ? null
            : $"the plan has no items: create each item of the plan with {ToolNames.CreateItem} (a title and acceptance criteria), then finish";
    }

    private static string? Tests(PipelineStage stage, StageEvidence evidence)
    {
        var runs = evidence.Succeeded(ToolNames.RunTests).Select(c => ExitCode(c.Result)).ToList();
        if (runs.Count == 0)
        {
            return $"the tester never ran the tests: run them with {ToolNames.RunTests}";
        }

        if (stage.Expect == StageExpectation.TestsFail)
        {
            return runs.Any(code => code is not (null or 0))
                ? null
                : $"the tests never failed: at {stage.Name} the new tests must fail before the code is written; write a test the code does not pass yet and run it";
        }

        return runs[^1] == 0
            ? null
            : $"the last run of the tests did not pass ({(runs[^1] is { } code ? $"exit {code}" : "it did not finish")}): a pass needs them passing; fix the tests or report_bug and finish fail";
    }

    // run_tests answers "exit N" on its first line when the command ran to its end.
    private static int? ExitCode(string result) =>
        result.StartsWith("exit ", StringComparison.Ordinal)
        && int.TryParse(result.AsSpan(5, (result.IndexOf('\n') is var end and > 0 ? end : result.Length) - 5), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code)
            ? code
            : null;
}
