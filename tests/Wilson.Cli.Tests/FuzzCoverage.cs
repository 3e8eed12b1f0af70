using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Roles;
using Wilson.Core.Workflow;
using Wilson.Testing.Models;

namespace Wilson.Cli.Tests;

/// <summary>
/// What one fuzz run exercised, so that a set of runs can show its invariants were put to the test (items made, merged,
/// blocked; budgets and bounds reached; passes whose evidence was checked; behaviours the weak model played).
/// </summary>
internal sealed record FuzzCoverage
{
    /// <summary>Items agents created in the plan's family (bugs included).</summary>
    public int Created { get; init; }

    /// <summary>The plan's items merged into the default branch.</summary>
    public int Merged { get; init; }

    /// <summary>Items (the plan included) that ended Blocked or Failed.</summary>
    public int Stuck { get; init; }

    /// <summary>True when the plan itself ended Blocked: the planner failed three times.</summary>
    public bool PlanBlocked { get; init; }

    /// <summary>Items that waited for a person because their token budget ran out.</summary>
    public int OutOfBudget { get; init; }

    /// <summary>True when the plan reached planning.max_items (or a create_item was refused for it).</summary>
    public bool AtMaxItems { get; init; }

    /// <summary>Passes of a tester, reviewer, security or docs agent whose evidence was read from the transcript.</summary>
    public int CheckedPasses { get; init; }

    /// <summary>Stages passed by their checks alone (trivial items).</summary>
    public int MechanicalPasses { get; init; }

    /// <summary>Merge commits on the default branch (each one's tests were run).</summary>
    public int MergeCommits { get; init; }

    /// <summary>The most tokens one item used (the usage ledger).</summary>
    public long MostItemTokens { get; init; }

    /// <summary>The behaviours the weak model played, by name.</summary>
    public IReadOnlySet<string> Behaviours { get; init; } = new HashSet<string>();

    public static FuzzCoverage Of(PipelineRecord record, IReadOnlyList<WeakModelPlay> plays, int mergeCommits)
    {
        var plan = record.Items.First(i => i.Kind == WorkKind.Plan && i.Parent is null);
        var family = record.FamilyOf(plan.Key);
        var stuck = family.Append(plan).Where(i => i.Status is WorkStatus.Blocked or WorkStatus.Failed).ToList();
        return new FuzzCoverage
        {
            Created = record.Events.Count(e => e.Type == "item.created" && e.Actor.Kind == ActorKind.Agent),
            Merged = family.Count(i => i.Kind != WorkKind.Plan && i.Status == WorkStatus.Done && record.Merged(i.Key)),
            Stuck = stuck.Count,
            PlanBlocked = plan.Status == WorkStatus.Blocked,
            OutOfBudget = stuck.Count(i => record.LastTransition(i.Key)?.Reason.Contains("out of budget", StringComparison.Ordinal) == true),
            AtMaxItems = family.Count >= FuzzProject.MaxItems
                || record.Executions.Any(e => PipelineInvariants.Calls(e).Any(c => c.Result.Contains("planning.max_items", StringComparison.Ordinal))),
            CheckedPasses = record.Executions.Count(e => e.Result == ExecutionResult.Pass && !PipelineInvariants.Mechanical(e)
                && e.Role is RoleCatalog.Tester or RoleCatalog.Reviewer or RoleCatalog.Security or RoleCatalog.Docs),
            MechanicalPasses = record.Executions.Count(e => e.Result == ExecutionResult.Pass && PipelineInvariants.Mechanical(e)),
            MergeCommits = mergeCommits,
            MostItemTokens = record.Calls.Where(c => c.ItemKey is not null).GroupBy(c => c.ItemKey).Select(g => g.Sum(c => c.Tokens)).DefaultIfEmpty(0).Max(),
            Behaviours = plays.Select(p => p.Name).ToHashSet(StringComparer.Ordinal),
        };
    }

    public override string ToString() =>
        $"{Created} created, {Merged} merged ({MergeCommits} merge commits), {Stuck} blocked or failed{(PlanBlocked ? " (the plan too)" : "")}, " +
        $"{OutOfBudget} out of budget{(AtMaxItems ? ", max_items reached" : "")}, {CheckedPasses} passes checked, {MechanicalPasses} mechanical; " +
        $"at most {MostItemTokens:N0} tokens an item; {Behaviours.Count} behaviours played";
}
