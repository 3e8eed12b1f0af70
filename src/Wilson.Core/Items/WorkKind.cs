namespace Wilson.Core.Items;

/// <summary>What sort of work an item is.</summary>
public enum WorkKind
{
    Feature,
    Bug,
    Chore,
    Research,
    Docs,
}
