namespace Wilson.Core.Events;

/// <summary>Which events to read: those after <see cref="AfterSequence"/>, optionally of one project or item.</summary>
public sealed record EventQuery
{
    public long AfterSequence { get; init; }

    public long? ProjectId { get; init; }

    public string? ItemKey { get; init; }

    public int Limit { get; init; } = 1000;
}
