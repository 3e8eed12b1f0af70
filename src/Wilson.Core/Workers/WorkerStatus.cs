using Wilson.Core.Workflow;

namespace Wilson.Core.Workers;

/// <summary>
/// What one worker is doing, as any process reads it from the store: its item, stage and role, the model answering,
/// its step, since when, when it last made progress, and whether a person holds it paused (who, since when). The
/// worker writes it on every step and with its heartbeat (<see cref="UpdatedAt"/>), and removes it when it ends.
/// </summary>
public sealed record WorkerStatus
{
    /// <summary>The worker's name, which is also the owner of the item's lease.</summary>
    public required string Worker { get; init; }

    /// <summary>The machine the worker's process runs on.</summary>
    public required string Machine { get; init; }

    public required long ProjectId { get; init; }

    public required string ItemKey { get; init; }

    public required string Stage { get; init; }

    public required string Role { get; init; }

    /// <summary>The model answering the agent; null until the first call chose one.</summary>
    public string? Model { get; init; }

    /// <summary>Tool calls made so far in this run.</summary>
    public int Step { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the agent last did something (a step, a model chosen): a run that stays still shows it here.</summary>
    public required DateTimeOffset LastProgressAt { get; init; }

    /// <summary>When the worker last wrote this (each step and heartbeat); set by the store.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Who paused the run (a person, or the project's pause); null while it runs.</summary>
    public Actor? PausedBy { get; init; }

    public DateTimeOffset? PausedAt { get; init; }

    public bool Paused => PausedAt is not null;

    public TimeSpan Elapsed(TimeProvider time) => time.GetUtcNow() - StartedAt;
}
