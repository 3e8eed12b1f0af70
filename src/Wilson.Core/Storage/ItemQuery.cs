using Wilson.Core.Items;

namespace Wilson.Core.Storage;

/// <summary>A filter over a project's items; null fields match everything.</summary>
public sealed record ItemQuery
{
    public static readonly ItemQuery All = new();

    public WorkStatus? Status { get; init; }

    public string? Stage { get; init; }

    public int Limit { get; init; } = 10_000;
}
