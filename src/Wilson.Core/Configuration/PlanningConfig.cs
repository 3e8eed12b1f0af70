namespace Wilson.Core.Configuration;

/// <summary>The <c>planning</c> section of <c>wilson.yaml</c>: the bounds every plan stays within, whatever its model does.</summary>
public sealed record PlanningConfig
{
    public static readonly PlanningConfig Default = new();

    /// <summary>The most items one plan may create; the planner is told to finish once it has them.</summary>
    public int MaxItems { get; init; } = 20;

    /// <summary>How deep plans may nest: 0, a plan's items are never plans themselves; 1, they may be, but not theirs.</summary>
    public int NestedPlans { get; init; }
}
