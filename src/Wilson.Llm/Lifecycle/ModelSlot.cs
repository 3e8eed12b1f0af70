namespace Wilson.Llm.Lifecycle;

/// <summary>The lifecycle's state of one model; guarded by the lifecycle's lock.</summary>
internal sealed class ModelSlot(ModelSpec spec)
{
    public ModelSpec Spec { get; } = spec;

    public int References { get; set; }

    public ModelState State { get; set; } = ModelState.Unloaded;

    /// <summary>The load in progress or done; acquirers of a loading model await it.</summary>
    public Task Loaded { get; set; } = Task.CompletedTask;

    /// <summary>The unload in progress; a load of the same model waits for it.</summary>
    public Task Unloaded { get; set; } = Task.CompletedTask;

    public ITimer? IdleTimer { get; set; }

    public DateTimeOffset LastReleased { get; set; }

    /// <summary>True when its memory is counted as in use.</summary>
    public bool HoldsMemory => State is ModelState.Loading or ModelState.Loaded;
}

/// <summary>Where a model is in its life.</summary>
internal enum ModelState
{
    Unloaded,
    Loading,
    Loaded,
    Unloading,
}
