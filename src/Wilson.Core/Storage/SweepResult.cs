namespace Wilson.Core.Storage;

/// <summary>What a lease sweep did: items returned to Ready, and items that ran out of attempts.</summary>
public sealed record SweepResult(IReadOnlyList<string> Requeued, IReadOnlyList<string> DeadLettered)
{
    public static readonly SweepResult Nothing = new([], []);
}
