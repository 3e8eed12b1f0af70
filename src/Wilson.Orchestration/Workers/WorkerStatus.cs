namespace Wilson.Orchestration.Workers;

/// <summary>What one worker is doing: its item, stage and role, the model answering, its step, and since when.</summary>
public sealed record WorkerStatus(string Worker, string ItemKey, string Stage, string Role, string? Model, int Step, DateTimeOffset StartedAt)
{
    /// <summary>True while a person has the run paused (it waits at its next step).</summary>
    public bool Paused { get; init; }

    public TimeSpan Elapsed(TimeProvider time) => time.GetUtcNow() - StartedAt;
}
