using Wilson.Core.Items;

namespace Wilson.Core.Storage;

/// <summary>The outcome of a write to an item: the item as stored, or why the write was refused.</summary>
public sealed record ItemWriteResult
{
    public WorkItem? Item { get; private init; }

    public WriteFailure Failure { get; private init; }

    /// <summary>A sentence for the person who asked; null on success.</summary>
    public string? Error { get; private init; }

    /// <summary>For a refused transition: where the item could go instead.</summary>
    public IReadOnlyList<string> AllowedTargets { get; private init; } = [];

    public bool Succeeded => Failure == WriteFailure.None;

    public static ItemWriteResult Success(WorkItem item) => new() { Item = item };

    public static ItemWriteResult Refused(WriteFailure failure, string error, IReadOnlyList<string>? allowed = null) =>
        new() { Failure = failure, Error = error, AllowedTargets = allowed ?? [] };
}
