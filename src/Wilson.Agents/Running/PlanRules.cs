namespace Wilson.Agents.Running;

/// <summary>What a planner may create for the plan it makes (the <c>planning</c> section of <c>wilson.yaml</c>, resolved for one plan).</summary>
public sealed record PlanRules
{
    /// <summary>The defaults of <c>wilson.yaml</c>: twenty items, no plans within the plan, the standard pipeline.</summary>
    public static readonly PlanRules Default = new();

    /// <summary>True when a person reviews the plan first: its items stay Draft until then.</summary>
    public bool DraftItems { get; init; }

    /// <summary>The most items one plan (and the bugs reported on them) may hold.</summary>
    public int MaxItems { get; init; } = 20;

    /// <summary>True when this plan may create plans of its own (within <c>planning.nested_plans</c>).</summary>
    public bool MayCreatePlans { get; init; }

    /// <summary>The pipelines an item may follow, the project's default first (the plan pipeline is added when plans may be created).</summary>
    public IReadOnlyList<string> Pipelines { get; init; } = ["standard"];
}
