namespace Wilson.Core.Items;

/// <summary>Where an item's work happens: the files that matter and the branch it is built on.</summary>
public sealed record ItemContext
{
    public static readonly ItemContext Empty = new();

    public IReadOnlyList<string> RelevantFiles { get; init; } = [];

    public string? Branch { get; init; }
}
