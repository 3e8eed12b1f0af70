namespace Wilson.Core.Items;

/// <summary>What sort of work an item is.</summary>
public enum WorkKind
{
    Feature,
    Bug,
    Chore,
    Research,
    Docs,

    /// <summary>An idea for the planner to break into items (its children); it follows the plan pipeline.</summary>
    Plan,
}
