namespace Wilson.Core.Items;

/// <summary>Where an item's work happens: the files that matter and the branch it is built on.</summary>
public sealed record ItemContext
{
    public static readonly ItemContext Empty = new();

    public IReadOnlyList<string> RelevantFiles { get; init; } = [];

    public string? Branch { get; init; }

    /// <summary>The role a person assigned to the item's stages; null: each stage's own role.</summary>
    public string? Role { get; init; }

    /// <summary>The model a person assigned to the item's work; null: routed by purpose and tier.</summary>
    public string? Model { get; init; }

    /// <summary>True while a person holds the item's runs paused (mid-run): each run waits before its next step until resumed.</summary>
    public bool RunPaused { get; init; }

    /// <summary>Who paused the item's runs (null when not paused, or paused before this was kept).</summary>
    public Workflow.Actor? RunPausedBy { get; init; }

    /// <summary>Since when the item's runs are paused.</summary>
    public DateTimeOffset? RunPausedAt { get; init; }
}
