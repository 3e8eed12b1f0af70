using Wilson.Storage;

namespace Wilson.Bench;

/// <summary>A database the benchmark runs on, with the bare table to compare against.</summary>
internal sealed record DatabaseUnderTest
{
    public required string Name { get; init; }

    public required DatabaseLocation Location { get; init; }

    /// <summary>The durability the figures were taken at, as read from the database.</summary>
    public required string Durability { get; init; }

    /// <summary>Makes the bare (id, status, owner) table on the same kind of database at the same durability; the caller disposes it.</summary>
    public required Func<CancellationToken, Task<IRawQueue>> CreateRawQueue { get; init; }

    /// <summary>The batched-enqueue target in items/s, or null where none is set.</summary>
    public double? EnqueueTarget { get; init; }

    public bool MeasuresWakeup { get; init; }
}
